"""The digits grid (``configs/benchmark/digits``): the quickstart as configs.

The grid is the quickstart's experiment (the values below are those of the
Python definitions it replaced): a ResNet-18 (width 16) teacher and a tiny
ViT student on scikit-learn's digits, teacher 6 epochs, students 12, AdamW
2e-3, methods scratch / kd / lfcc_kd that differ in their distiller only.
Every config trains one step on the real digits through its own pipeline,
loader, model (teacher weights loaded strictly) and optimiser.
"""
import copy
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine import Config
from mmengine.registry import MODELS, init_default_scope

from lfcc_bench.run_config import (build_dataset, find_bench_configs,
                                      load_bench_config)

from .config_helpers import CONFIGS
from .test_benchmark_configs import _check_step, _one_step, _run_part

DIGITS = CONFIGS / 'benchmark' / 'digits'
GRID = find_bench_configs(str(DIGITS))
PAIR = ('resnet18-w16', 'vit-t')


def _load(name: str) -> Config:
    return Config.fromfile(str(DIGITS / name))


def _pair_config(method: str) -> Config:
    return _load(f'{method}_resnet18-w16_vit-t_digits.py')


def test_grid_is_the_quickstart_teacher_pair_and_methods():
    assert [(c.method, c.teacher, c.student, c.dataset) for c in GRID] == [
        ('teacher', 'resnet18-w16', None, 'digits'),
        ('kd', *PAIR, 'digits'),
        ('lfcc_kd', *PAIR, 'digits'),
        ('scratch', *PAIR, 'digits'),
    ]


def test_models_data_and_schedules_are_the_quickstart_ones():
    teacher = _load('teachers/resnet18-w16_digits.py')
    student = _pair_config('scratch')
    assert teacher.model.backbone == dict(
        type='ResNet_CIFAR', depth=18, base_channels=16, stem_channels=16,
        strides=(2, 2, 2, 1))
    assert teacher.model.neck == dict(type='GlobalAveragePooling')
    assert teacher.model.head.in_channels == 128
    assert student.model.backbone == dict(
        type='VisionTransformer', img_size=32, patch_size=4,
        arch=dict(embed_dims=96, num_layers=4, num_heads=3,
                  feedforward_channels=192), drop_path_rate=0.1)
    assert 'neck' not in student.model
    for cfg, epochs in ((teacher, 6), (student, 12)):
        assert cfg.train_cfg.max_epochs == cfg.train_cfg.val_interval == \
            epochs
        assert cfg.optim_wrapper.optimizer == dict(
            type='AdamW', lr=2e-3, weight_decay=0.05)
        warmup, cosine = cfg.param_scheduler
        assert (warmup.type, warmup.start_factor, warmup.end) == (
            'LinearLR', 1e-2, 1)
        assert (cosine.type, cosine.begin, cosine.end, cosine.T_max) == (
            'CosineAnnealingLR', 1, epochs, epochs - 1)
        assert cosine.eta_min == pytest.approx(2e-5)
        assert cfg.data_preprocessor.mean == [77.8] * 3
        assert cfg.data_preprocessor.std == [82.5] * 3
        assert cfg.data_preprocessor.to_rgb is False
        train = cfg.train_dataloader
        assert (train.batch_size, train.drop_last) == (64, True)
        assert train.dataset.type == 'DigitsDataset'
        assert (train.dataset.split, train.dataset.size,
                train.dataset.split_seed) == ('train', 32, 0)
        assert [t.type for t in train.dataset.pipeline] == [
            'RandomCrop', 'PackInputs']
        assert train.dataset.pipeline[0].padding == 2
        assert cfg.val_dataloader.dataset.split == 'test'
        assert cfg.default_hooks.logger.interval == 5
    assert teacher.val_dataloader == student.val_dataloader


def test_methods_differ_only_in_the_distiller():
    scratch = _run_part(_pair_config('scratch'))
    kd, lfcc_kd = _pair_config('kd'), _pair_config('lfcc_kd')
    teacher = _load('teachers/resnet18-w16_digits.py')
    for cfg in (kd, lfcc_kd):
        run = _run_part(cfg)
        model = run.pop('model')
        assert model.type == 'FrozenTeacherDistill'
        assert model.distiller.type == 'CheckedDistiller'
        assert model.architecture == scratch['model']
        assert model.teacher == teacher.model
        assert model.teacher_ckpt == \
            'work_dirs/resnet18-w16_digits/epoch_6.pth'
        assert run == {k: v for k, v in scratch.items() if k != 'model'}
    assert kd.model.distiller.distill_losses == dict(
        loss_kd=dict(type='KLDivergence', tau=4, loss_weight=1.0))
    d = lfcc_kd.model.distiller
    # lfcc_kd carries the very KD term of kd, plus one LFCC loss per tap.
    for key in ('distill_losses', 'loss_forward_mappings',
                'student_recorders', 'teacher_recorders'):
        assert d[key]['loss_kd' if 'loss' in key else 'logits'] == \
            kd.model.distiller[key]['loss_kd' if 'loss' in key
                                    else 'logits'], key
    assert {k: (v.type, v.tau, v.loss_weight)
            for k, v in d.distill_losses.items() if k != 'loss_kd'} == {
                'loss_lfcc_mid': ('LFCCLoss', 0.1, 0.5),
                'loss_lfcc_last': ('LFCCLoss', 0.1, 0.5)}
    assert all(c.get('embed_dim', 128) == 128 and
               tuple(c.get('scales', (1, 2, 4))) == (1, 2, 4)
               and c.global_token is True
               for c in d.connectors.values())


def test_lfcc_kd_taps_are_the_models_taps():
    cfg = _pair_config('lfcc_kd')
    taps = dict(s=cfg.vit_t_taps, t=cfg.res18_w16_taps)
    d = cfg.model.distiller
    for role, side in (('student', 's'), ('teacher', 't')):
        for name in ('mid', 'last'):
            tap = taps[side][name]
            assert d[f'{role}_recorders'][name].source == tap.source
            conn = d.connectors[f'{side}_{name}']
            assert conn.in_channels == tap.channels
            assert conn.get('layout', 'nchw') == tap.layout
            assert conn.get('num_extra_tokens', 0) == tap.get(
                'num_extra_tokens', 0)


def test_train_per_class_keeps_the_first_digits_of_each_class():
    path = str(DIGITS / 'kd_resnet18-w16_vit-t_digits.py')
    every = load_bench_config(path, 'w')
    assert 'indices' not in every.train_dataloader.dataset
    assert 'max_per_class' not in every.train_dataloader.dataset
    assert len(build_dataset(every.train_dataloader.dataset)) == 1437
    cfg = load_bench_config(path, 'w', train_per_class=13, epochs=1)
    dataset = build_dataset(cfg.train_dataloader.dataset)
    labels = np.asarray(dataset.get_gt_labels())
    assert np.bincount(labels).tolist() == [13] * 10
    full = build_dataset(every.train_dataloader.dataset).get_gt_labels()
    indices = cfg.train_dataloader.dataset.indices
    assert indices == sorted(indices)
    for label in range(10):  # the first 13 of each class, in index order
        assert [i for i in indices if full[i] == label] == \
            [i for i, x in enumerate(full) if x == label][:13]
    assert cfg.train_cfg.max_epochs == 1
    # the test split is never subset
    assert len(build_dataset(cfg.val_dataloader.dataset)) == 360


@pytest.fixture(scope='module')
def teacher_ckpt(tmp_path_factory):
    """Random weights of the teacher config, in mmengine's layout."""
    cfg = _load('teachers/resnet18-w16_digits.py')
    init_default_scope('mmpretrain')
    path = tmp_path_factory.mktemp('ckpt') / 'teacher.pth'
    torch.save({'state_dict': MODELS.build(cfg.model).state_dict()}, path)
    return str(path)


@pytest.mark.parametrize('bench', GRID, ids=lambda c: Path(c.path).stem)
def test_config_trains_one_step_on_the_digits(bench, teacher_ckpt, tmp_path):
    ckpt = None if bench.method in ('teacher', 'scratch') else teacher_ckpt
    cfg = load_bench_config(bench.path, work_dir=str(tmp_path),
                            teacher_ckpt=ckpt, train_per_class=7)
    cfg.train_dataloader.dataset.serialize_data = False
    losses, model, got_grad, before = _one_step(copy.deepcopy(cfg))
    _check_step(cfg, losses, model, got_grad, before, bench.path)
    names = set(losses)
    if bench.method == 'lfcc_kd':
        assert {'distill.loss_kd', 'distill.loss_lfcc_mid',
                'distill.loss_lfcc_last'} <= names
    if bench.method in ('teacher', 'scratch'):
        assert not any(n.startswith('distill.') for n in names)
