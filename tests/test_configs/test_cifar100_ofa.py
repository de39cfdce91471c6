"""OFA-KD's CIFAR-100 protocol (configs/lfcc/cifar100_ofa/): values, taps, one step.

- The recipe values equal a table of OFA-KD's own files
  (``configs/cifar/cnn.yaml``, ``configs/cifar/vit_mlp.yaml``, ``train.py``
  defaults and its ``--dataset cifar100`` branch), for every config.
- Every config builds offline and trains one step on a 224 px batch: the
  recorders name real timm modules and the declared channels / layouts match
  what they emit. To stay cheap on CPU, depths and MLP ratios are cut where
  timm allows it; channels and tapped module paths are never changed.
- One config runs with a teacher loaded through ``teacher_ckpt`` from a
  timm 0.6.5 fixture (converted by ``tools/model_converters/timm_upgrade.py``)
  and the teacher reproduces timm 0.6.5's logits inside the algorithm.
"""
import copy
import functools
import math
import os.path as osp
import re
import sys

import pytest
import torch
from mmengine import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmpretrain.registry import TRANSFORMS
from mmpretrain.structures import DataSample

from .config_helpers import CONFIGS, REPO, build_model

DIR = CONFIGS / 'lfcc' / 'cifar100_ofa'
NAMES = sorted(p.name for p in DIR.glob('*.py'))
NAME = re.compile(r'^(?P<method>scratch|kd|ofa|lfcc|lfcc-kd)_'
                  r'(?:(?P<teacher>[a-z0-9-]+)_)?(?P<student>[a-z0-9-]+)_'
                  r'(?P<batch>[18])xb128_cifar100-224\.py$')
# The author's single-process setting (OFA-KD issue #8) and OFA-KD README's
# 8 processes x 128 (lr not rescaled): same recipe, named by batch.
SINGLE = [n for n in NAMES if '_1xb128_' in n]

# OFA-KD's values, from its files (github.com/Hao840/OFAKD).
OFAKD = {
    'cnn': dict(  # configs/cifar/cnn.yaml (+ train.py defaults)
        epochs=300, batch_size=128, opt='SGD', lr=0.05, momentum=0.9,
        nesterov=True, weight_decay=2e-3, min_lr=1e-3, warmup_epochs=3,
        warmup_lr=1e-4, smoothing=0.1, clip_grad=None, mixup=None,
        cutmix=None, reprob=None, aa=None),
    'vit': dict(  # configs/cifar/vit_mlp.yaml (+ train.py defaults)
        epochs=300, batch_size=128, opt='AdamW', lr=5e-4, weight_decay=0.05,
        # min_lr: the author's posted runs (OFA-KD issue #19); yaml: 1e-5
        min_lr=1e-6, warmup_epochs=20, warmup_lr=5e-7, smoothing=0.1,
        clip_grad=5.0, mixup=0.8, cutmix=1.0, reprob=0.25,
        aa=dict(num_policies=2, magnitude_level=9, magnitude_std=0.5)),
}
CIFAR100_MEAN = (0.5071, 0.4865, 0.4409)  # train.py, dataset == 'cifar100'
CIFAR100_STD = (0.2673, 0.2564, 0.2762)
# name -> (timm model, recipe, eval crop_pct, eval interpolation), the last
# two from timm 0.6.5's default_cfg, which OFA-KD's resolve_data_config uses.
STUDENTS = {
    'res18': ('resnet18', 'cnn', 0.875, 'bilinear'),
    'mbv2': ('mobilenetv2_100', 'cnn', 0.875, 'bicubic'),
    'deit-t': ('deit_tiny_patch16_224', 'vit', 0.9, 'bicubic'),
    'resmlp-s12': ('resmlp_12_224', 'vit', 0.875, 'bicubic'),
}
EMA_DECAY = 0.99996  # ViT / MLP students: posted runs, OFA-KD issue #19
TEACHERS = {
    'swin-t': 'swin_tiny_patch4_window7_224',
    'vit-s': 'vit_small_patch16_224',
    'mixer-b': 'mixer_b16_224',
    'convnext-t': 'convnext_tiny',
}
PAIRS = {('swin-t', 'res18'), ('vit-s', 'res18'), ('mixer-b', 'res18'),
         ('vit-s', 'mbv2'), ('convnext-t', 'deit-t'),
         ('convnext-t', 'resmlp-s12')}
OFA_EPS = 1.0  # CIFAR-100 (--ofa-eps 1.0)

# Same channels, same tapped module paths, less compute (CPU test only).
CHEAP = {
    'swin_tiny_patch4_window7_224': dict(depths=(1, 1, 1, 1)),
    'convnext_tiny': dict(depths=(1, 1, 1, 1)),
    'vit_small_patch16_224': dict(mlp_ratio=0.25),
    'mixer_b16_224': dict(mlp_ratio=(0.05, 0.25)),
    'resnet18': dict(layers=(1, 1, 1, 1)),
    'deit_tiny_patch16_224': dict(mlp_ratio=0.5),
}


@functools.lru_cache(maxsize=None)
def _load_cached(name: str) -> Config:
    return Config.fromfile(str(DIR / name))


def _load(name: str) -> Config:
    """A private copy of a config (loading resolves mmpretrain bases)."""
    return copy.deepcopy(_load_cached(name))


def _parts(name):
    match = NAME.match(name)
    assert match, f'{name}: not {{method}}_[{{teacher}}_]{{student}}_...'
    return match['method'], match['teacher'], match['student'], \
        match['batch']


def test_every_pair_has_every_method_and_every_student_a_scratch_row():
    found = {_parts(n) for n in NAMES}
    want = {(m, t, s, b) for t, s in PAIRS
            for m in ('kd', 'ofa', 'lfcc', 'lfcc-kd') for b in '18'}
    want |= {('scratch', None, s, b) for _, s in PAIRS for b in '18'}
    assert found == want


@pytest.mark.parametrize('name', NAMES)
def test_recipe_values_are_ofakds(name):
    method, teacher, student, _ = _parts(name)
    cfg = _load(name)
    timm_name, recipe, crop_pct, interpolation = STUDENTS[student]
    ref = OFAKD[recipe]
    student_cfg = cfg.model if method == 'scratch' else \
        cfg.model.architecture
    assert student_cfg.type == 'mmpretrain.TimmClassifier'
    assert student_cfg.model_name == timm_name
    assert student_cfg.num_classes == 100
    assert student_cfg.get('pretrained', False) is False
    assert student_cfg.loss == dict(
        type='mmpretrain.LabelSmoothLoss', label_smooth_val=ref['smoothing'],
        mode='original')

    # data: CIFAR-100 through mmpretrain's own dataset, at 224 px
    train, val = cfg.train_dataloader, cfg.val_dataloader
    assert train.dataset.type == val.dataset.type == 'CIFAR100'
    assert (train.dataset.split, val.dataset.split) == ('train', 'test')
    assert train.batch_size == ref['batch_size']
    pre = cfg.data_preprocessor
    assert pre.num_classes == 100 and pre.to_rgb is False
    assert pre.mean == pytest.approx([m * 255 for m in CIFAR100_MEAN])
    assert pre.std == pytest.approx([s * 255 for s in CIFAR100_STD])
    steps = {t.type: t for t in train.dataset.pipeline}
    crop = steps['RandomResizedCrop']
    assert crop.scale == 224 and tuple(crop.crop_ratio_range) == (0.08, 1.0)
    assert tuple(crop.aspect_ratio_range) == pytest.approx((3 / 4, 4 / 3))
    assert steps['RandomFlip'].prob == 0.5
    resize = val.dataset.pipeline[0]
    assert resize.type == 'ResizeEdge' and resize.edge == 'short'
    assert resize.interpolation == interpolation
    assert cfg.test_dataloader == val
    assert resize.scale == int(224 / crop_pct)
    assert val.dataset.pipeline[1] == dict(type='CenterCrop', crop_size=224)
    augments = pre.get('batch_augments')
    if ref['mixup'] is None:
        assert augments is None
        assert not {'RandAugment', 'RandomErasing'} & set(steps)
    else:
        assert [(a.type, a.alpha) for a in augments.augments] == [
            ('Mixup', ref['mixup']), ('CutMix', ref['cutmix'])]
        assert steps['RandomErasing'].erase_prob == ref['reprob']
        assert steps['RandomErasing'].mode == 'rand'
        ra = steps['RandAugment']
        assert ra.policies == 'timm_increasing'
        assert {k: ra[k] for k in ref['aa']} == ref['aa']

    # optimizer and schedule
    optim = cfg.optim_wrapper.optimizer
    assert optim.type == ref['opt'] and optim.lr == ref['lr']
    assert optim.weight_decay == ref['weight_decay']
    if ref['opt'] == 'SGD':
        assert optim.momentum == ref['momentum']
        assert optim.nesterov is ref['nesterov']
    assert cfg.optim_wrapper.paramwise_cfg.flat_decay_mult == 0.0
    clip = cfg.optim_wrapper.get('clip_grad')
    assert (clip.max_norm if clip else None) == ref['clip_grad']
    assert cfg.train_cfg.max_epochs == ref['epochs']
    assert _epoch_lrs(cfg) == pytest.approx(
        _timm_lrs(ref), abs=0.01 * ref['lr'])
    # EMA of the weights (ViT / MLP students only), validated and saved.
    ema = [h for h in cfg.get('custom_hooks', []) if h.type == 'EMAHook']
    if recipe == 'vit':
        assert [(h.momentum, h.priority) for h in ema] == [
            (pytest.approx(1 - EMA_DECAY), 'ABOVE_NORMAL')]
    else:
        assert ema == []
    # Best-epoch reporting (OFA-KD reports its best epoch).
    ckpt = cfg.default_hooks.checkpoint
    assert (ckpt.save_best, ckpt.rule, ckpt.interval) == (
        'accuracy/top1', 'greater', 1)

    # method
    if method == 'scratch':
        assert 'teacher' not in cfg.model
        return
    assert cfg.model.teacher.model_name == TEACHERS[teacher]
    assert cfg.model.teacher.num_classes == 100
    assert cfg.model.teacher_ckpt == (
        f'checkpoints/cifar100_ofa/{TEACHERS[teacher]}_cifar100.pth')
    assert cfg.model.type == ('LFCC' if method.startswith('lfcc') else
                              'FrozenTeacherDistill')
    assert cfg.model.distiller.type == 'CheckedDistiller'
    assert cfg.val_cfg.type == 'mmrazor.SingleTeacherDistillValLoop'
    losses = cfg.model.distiller.distill_losses
    if method in ('kd', 'lfcc-kd'):  # OFA-KD kd.py: T 1, weight 1
        assert losses.loss_kd.type == 'KLDivergence'
        assert (losses.loss_kd.tau, losses.loss_kd.loss_weight) == (1, 1)
    if method == 'ofa':
        assert set(losses) == {'loss_ofa_logits'} | {
            f'loss_ofa_stage{k}' for k in (1, 2, 3, 4)}
        assert all(v.eps == OFA_EPS and v.temperature == 1.0
                   for v in losses.values())
        branch_weight = 0.1 if student == 'mbv2' else 1.0  # issue #32
        assert losses.loss_ofa_logits.loss_weight == 1.0
        assert all(losses[f'loss_ofa_stage{k}'].loss_weight == branch_weight
                   for k in (1, 2, 3, 4))
        assert all(c.num_classes == 100
                   for c in cfg.model.distiller.connectors.values())
    if method.startswith('lfcc'):
        assert {'loss_lfcc_mid', 'loss_lfcc_last'} <= set(losses)


def _timm_lrs(ref):
    """timm 0.6.5 CosineLRScheduler's lr per epoch (warmup_prefix=False)."""
    lr, low, warm = ref['lr'], ref['min_lr'], ref['warmup_epochs']
    return [
        ref['warmup_lr'] + t * (lr - ref['warmup_lr']) / warm if t < warm
        else low + 0.5 * (lr - low) * (1 + math.cos(math.pi * t /
                                                    ref['epochs']))
        for t in range(ref['epochs'])
    ]


def _epoch_lrs(cfg):
    """The lr of every epoch under the config's own mmengine schedulers."""
    from mmengine.registry import PARAM_SCHEDULERS
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=cfg.optim_wrapper.optimizer.lr)
    schedulers = [
        PARAM_SCHEDULERS.build(dict(s, optimizer=optimizer))
        for s in copy.deepcopy(cfg.param_scheduler)
    ]
    lrs = []
    for _ in range(cfg.train_cfg.max_epochs):
        lrs.append(optimizer.param_groups[0]['lr'])
        optimizer.step()
        for scheduler in schedulers:
            scheduler.step()
    return lrs


def _cheap(model_cfg):
    model_cfg.update(CHEAP.get(model_cfg.model_name, {}))


def _batch(batch_size=2, size=224, num_classes=100):
    gen = torch.Generator().manual_seed(0)
    inputs = [torch.randint(0, 256, (3, size, size), dtype=torch.uint8,
                            generator=gen) for _ in range(batch_size)]
    labels = torch.randint(0, num_classes, (batch_size, ), generator=gen)
    return dict(inputs=inputs,
                data_samples=[DataSample().set_gt_label(int(lb))
                              for lb in labels])


def _one_step(cfg, name):
    model = build_model(cfg)
    data = model.data_preprocessor(_batch(), training=True)
    assert tuple(data['inputs'].shape) == (2, 3, 224, 224)
    losses = model(**data, mode='loss')
    expected = {f'distill.{k}' for k in
                cfg.model.get('distiller', {}).get('distill_losses', {})}
    assert expected <= set(losses), expected - set(losses)
    assert set(losses) - expected, 'no cross-entropy loss'
    for key, value in losses.items():
        assert 'loss' in key and math.isfinite(value.item()), (key, value)
    sum(losses.values()).backward()
    student = getattr(model, 'architecture', model)
    assert [n for n, p in student.named_parameters() if p.grad is None] == []
    if hasattr(model, 'teacher'):
        assert all(p.grad is None and not p.requires_grad
                   for p in model.teacher.parameters())
        assert all(p.grad is not None and p.grad.abs().sum() > 0
                   for p in model.distiller.connectors.parameters())
    # timm's optimizer factory: no weight decay on 1-D parameters (norms,
    # biases), the recipe's decay on everything else.
    optimizer = build_optim_wrapper(model, cfg.optim_wrapper).optimizer
    base_wd = cfg.optim_wrapper.optimizer.weight_decay
    decays = {(p.ndim <= 1, group['weight_decay'])
              for group in optimizer.param_groups for p in group['params']}
    assert decays == {(True, 0.0), (False, base_wd)}, decays
    return model


@pytest.mark.parametrize('name', SINGLE)
def test_eight_process_config_is_its_single_process_twin_but_auto_scale(name):
    """``8xb128`` = ``1xb128`` launched on 8 processes, lr unchanged:
    only ``auto_scale_lr``'s base batch (global 1,024 vs 128) differs."""
    one = _load(name).to_dict()
    eight = _load(name.replace('_1xb128_', '_8xb128_')).to_dict()
    assert one.pop('auto_scale_lr') == dict(base_batch_size=128)
    assert eight.pop('auto_scale_lr') == dict(base_batch_size=1024)
    assert one == eight
    assert one['train_dataloader']['batch_size'] == 128


# One step per recipe and model: the 8xb128 twins build the same model.
@pytest.mark.parametrize('name', SINGLE)
def test_config_builds_offline_and_trains_one_step_at_224(name):
    cfg = _load(name)
    torch.manual_seed(0)
    if 'teacher' in cfg.model:
        _cheap(cfg.model.architecture)
        _cheap(cfg.model.teacher)
        cfg.model.teacher_ckpt = None
    else:
        _cheap(cfg.model)
    _one_step(cfg, name)


@pytest.mark.parametrize('name', NAMES)
def test_train_loader_drops_the_incomplete_last_batch(name):
    """As timm's loader when training; a last batch of one sample would
    leave LFCCLoss without negatives."""
    assert _load(name).train_dataloader.get('drop_last') is True


DATA_BASES = ['data_res18.py', 'data_mbv2.py', 'data_deit-t.py',
              'data_resmlp-s12.py']


@pytest.mark.parametrize('data', DATA_BASES)
def test_pipelines_upsample_cifar_images_to_224(data):
    init_default_scope('mmpretrain')
    cfg = Config.fromfile(str(DIR / '_base_' / data))
    img = torch.randint(0, 256, (32, 32, 3), dtype=torch.uint8).numpy()
    for pipeline in (cfg.train_pipeline,
                     cfg.val_dataloader.dataset.pipeline):
        results = dict(img=img, gt_label=3, img_shape=(32, 32),
                       ori_shape=(32, 32))
        for step in pipeline:
            results = TRANSFORMS.build(copy.deepcopy(step))(results)
        assert tuple(results['inputs'].shape) == (3, 224, 224)
    assert cfg.test_dataloader == cfg.val_dataloader


def test_lfcc_kd_row_is_its_lfcc_row_plus_the_kd_rows_term():
    """Each ``lfcc-kd_*`` inherits its ``lfcc_*`` row: same everything but
    the added logit KD term, which is exactly the KD row's."""
    for name in NAMES:
        method, teacher, student, _ = _parts(name)
        if method != 'lfcc-kd':
            continue
        both = _load(name)
        lfcc = _load(name.replace('lfcc-kd_', 'lfcc_', 1))
        kd = _load(name.replace('lfcc-kd_', 'kd_', 1))
        d_both, d_lfcc, d_kd = (c.model.distiller.to_dict()
                                for c in (both, lfcc, kd))
        for key in ('student_recorders', 'teacher_recorders',
                    'distill_losses', 'loss_forward_mappings'):
            assert d_both[key] == {**d_lfcc[key], **d_kd[key]}, (name, key)
        assert d_both['connectors'] == d_lfcc['connectors']
        for key in ('type', 'architecture', 'teacher', 'teacher_ckpt'):
            assert both.model[key] == lfcc.model[key], (name, key)
        for key in ('train_dataloader', 'val_dataloader', 'test_dataloader',
                    'data_preprocessor', 'optim_wrapper', 'param_scheduler',
                    'train_cfg', 'val_cfg', 'default_hooks', 'custom_hooks',
                    'auto_scale_lr'):
            assert both.get(key) == lfcc.get(key), (name, key)


def test_released_teacher_layout_through_teacher_ckpt(tmp_path):
    """A timm 0.6.5 Swin checkpoint -> timm_upgrade.py -> teacher_ckpt."""
    sys.path.insert(0, str(REPO / 'tests' / 'data' / 'timm065'))
    from make_fixtures import TINY, fixed_input
    sys.path.insert(0, str(REPO / 'tools' / 'model_converters'))
    import json

    import timm_upgrade
    fixture = REPO / 'tests' / 'data' / 'timm065'
    name = 'swin_tiny_patch4_window7_224'
    kwargs = {k: v for k, v in TINY[name].items()
              if k not in ('patch_size', 'window_size')}
    dst = tmp_path / 'swin.pth'
    timm_upgrade.main([
        str(fixture / f'{name}_tiny.pth.tar'), str(dst), '--model', name,
        '--num-classes', '100', '--model-args'] +
        [f'{k}={v}' for k, v in kwargs.items()])

    cfg = _load('lfcc-kd_swin-t_res18_1xb128_cifar100-224.py')
    cfg.model.teacher.update(kwargs)  # the fixture's tiny widths
    cfg.model.teacher_ckpt = str(dst)
    cfg.model.distiller.connectors.t_mid.in_channels = 16
    cfg.model.distiller.connectors.t_last.in_channels = 32
    _cheap(cfg.model.architecture)
    init_default_scope('mmpretrain')
    from mmrazor.registry import MODELS
    model = MODELS.build(copy.deepcopy(cfg.model.to_dict()) | dict(
        data_preprocessor=cfg.data_preprocessor.to_dict()))
    model.train()  # the algorithm keeps its teacher in eval mode (drop path)
    assert not model.teacher.training
    with torch.no_grad():
        logits = model.teacher(fixed_input())
    with open(fixture / 'expected_logits.json') as f:
        ref = torch.tensor(json.load(f)[name]['logits'])
    torch.testing.assert_close(logits, ref, rtol=1e-5, atol=1e-5)
    data = model.data_preprocessor(_batch(), training=True)
    losses = model(**data, mode='loss')
    assert {'distill.loss_lfcc_mid', 'distill.loss_lfcc_last',
            'distill.loss_kd'} <= set(losses)
    assert all(math.isfinite(v.item()) for v in losses.values())


def _fake_cifar100(root, num=4):
    """mmpretrain's ``cifar-100-python`` layout with ``num`` random images."""
    import pickle

    import numpy as np
    folder = root / 'cifar-100-python'
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for split in ('train', 'test'):
        entry = dict(
            data=rng.integers(0, 256, (num, 3 * 32 * 32), dtype=np.uint8),
            fine_labels=[int(x) for x in rng.integers(0, 100, num)])
        (folder / split).write_bytes(pickle.dumps(entry))
    meta = dict(fine_label_names=[f'class{i}' for i in range(100)])
    (folder / 'meta').write_bytes(pickle.dumps(meta))
    return str(root)


@pytest.mark.slow
def test_protocol_config_trains_and_validates_with_the_runner(
        tmp_path, monkeypatch):
    """mmpretrain's CIFAR100 -> 224 px pipeline -> LFCC + KD -> both val loops.

    The ViT-student recipe (RandAugment, random erasing, Mixup / CutMix,
    DeiT-T's 248 px eval resize) on 4 fake CIFAR-100 images; the md5 check
    of the real archive is bypassed.
    """
    from mmengine.runner import Runner
    from mmpretrain.datasets import CIFAR100
    monkeypatch.setattr(CIFAR100, '_check_integrity', lambda self: True)
    cfg = _load('lfcc-kd_convnext-t_deit-t_1xb128_cifar100-224.py')
    root = _fake_cifar100(tmp_path / 'cifar100')
    for loader in (cfg.train_dataloader, cfg.val_dataloader):
        loader.dataset.data_root = root
        loader.update(batch_size=2, num_workers=0, persistent_workers=False)
    cfg.test_dataloader = cfg.val_dataloader
    _cheap(cfg.model.architecture)
    _cheap(cfg.model.teacher)
    cfg.model.teacher_ckpt = None
    cfg.train_cfg.update(max_epochs=1, val_interval=1)
    cfg.default_hooks.checkpoint = None
    cfg.default_hooks.logger.interval = 1
    cfg.work_dir = str(tmp_path / 'work_dir')
    cfg.randomness = dict(seed=0)
    cfg.log_level = 'WARNING'

    runner = Runner.from_cfg(cfg)
    runner.train()
    scalars = runner.message_hub.log_scalars
    for name in ('train/distill.loss_lfcc_mid', 'train/distill.loss_lfcc_last',
                 'train/distill.loss_kd', 'train/loss'):
        assert math.isfinite(scalars[name].current()), name
    assert 'val/accuracy/top1' in scalars
    assert 'val/teacher.accuracy/top1' in scalars
