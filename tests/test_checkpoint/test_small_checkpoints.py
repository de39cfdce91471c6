"""Checkpoints hold no frozen teacher, and resume stays exact (11.5).

A frozen teacher loaded from ``teacher_ckpt`` is re-loaded from that file
whenever the algorithm is built (resume, test, export), so
``FrozenTeacherDistill.state_dict`` leaves it out and ``load_state_dict``
accepts a state dict without it.
"""
import copy
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from mmpretrain.structures import DataSample
from mmrazor.registry import MODELS
from torch.utils.data import DataLoader

import lfcc_mm  # noqa: F401 - registers the models
from lfcc_mm.checkpoint import (CheckpointMismatchError, load_checkpoint_file,
                                load_weights)

TINY_CONFIG = (Path(__file__).resolve().parents[1] / 'test_tools' /
               'configs' / 'tiny_lfcc_vit_resnet.py')


@pytest.fixture(scope='module')
def model_cfg(tmp_path_factory):
    """The tiny LFCC model config with a frozen teacher from a file."""
    root = tmp_path_factory.mktemp('teacher')
    init_default_scope('mmrazor')
    cfg = Config.fromfile(str(TINY_CONFIG)).model
    torch.manual_seed(123)
    teacher = MODELS.build(cfg.teacher)
    torch.save(dict(state_dict=teacher.state_dict()), root / 'teacher.pth')
    cfg.teacher_ckpt = str(root / 'teacher.pth')
    return cfg


def _build(cfg, **kwargs):
    init_default_scope('mmrazor')
    cfg = copy.deepcopy(cfg)
    cfg.update(kwargs)
    torch.manual_seed(0)
    return MODELS.build(cfg)


def test_frozen_teacher_is_left_out_and_kept_on_load(model_cfg):
    model = _build(model_cfg)
    state = model.state_dict()
    assert not any(k.startswith('teacher.') for k in state)
    assert any(k.startswith('architecture.') for k in state)
    assert 'teacher.backbone' in state._metadata  # versions stay (bytes)

    other = _build(model_cfg)
    teacher_before = copy.deepcopy(other.teacher.state_dict())
    with torch.no_grad():
        for p in model.student.parameters():
            p.add_(1.0)
    other.load_state_dict(model.state_dict(), strict=True)  # torch's loader
    for key, value in model.student.state_dict().items():
        torch.testing.assert_close(other.student.state_dict()[key], value)
    for key, value in other.teacher.state_dict().items():
        assert torch.equal(value, teacher_before[key])


def test_teacher_is_saved_when_not_reloadable(model_cfg):
    trainable = _build(model_cfg, teacher_trainable=True)
    assert any(k.startswith('teacher.') for k in trainable.state_dict())
    no_file = _build(model_cfg, teacher_ckpt=None)
    assert any(k.startswith('teacher.') for k in no_file.state_dict())


def test_partial_teacher_still_fails_strict_loading(model_cfg):
    model = _build(model_cfg)
    state = model.state_dict()
    state['teacher.head.fc.weight'] = model.teacher.head.fc.weight.detach()
    with pytest.raises(CheckpointMismatchError, match=r'missing keys \['
                       r'teacher.backbone'):
        load_weights(_build(model_cfg), state, 'partial')


def _loader():
    g = torch.Generator().manual_seed(0)
    data = [dict(inputs=torch.randint(0, 256, (3, 32, 32), generator=g,
                                      dtype=torch.uint8),
                 data_samples=DataSample().set_gt_label(i % 2))
            for i in range(8)]
    return DataLoader(data, batch_size=4, shuffle=False,
                      collate_fn=pseudo_collate)


def _runner(cfg, work_dir, **kwargs):
    return Runner(
        model=copy.deepcopy(cfg), work_dir=str(work_dir),
        experiment_name=f'small_ckpt_{Path(work_dir).name}',
        train_dataloader=_loader(),
        train_cfg=dict(by_epoch=False, max_iters=4),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.05, momentum=0.9,
                                          weight_decay=1e-4)),
        default_hooks=dict(
            checkpoint=dict(type='CheckpointHook', interval=2,
                            by_epoch=False),
            logger=dict(type='LoggerHook', interval=1)),
        randomness=dict(seed=0, deterministic=True),
        default_scope='mmrazor', **kwargs)


@pytest.mark.slow
def test_resume_without_teacher_weights_is_bitwise_exact(model_cfg,
                                                         tmp_path):
    whole = _runner(model_cfg, tmp_path / 'whole')
    whole.train()
    ckpt = load_checkpoint_file(str(tmp_path / 'whole' / 'iter_2.pth'))
    assert not any(k.startswith('teacher.') for k in ckpt['state_dict'])
    assert ckpt['optimizer']['state']  # SGD momentum of the student

    resumed = _runner(model_cfg, tmp_path / 'resumed', resume=True,
                      load_from=str(tmp_path / 'whole' / 'iter_2.pth'))
    resumed.train()
    assert resumed.iter == 4
    a = whole.model.state_dict(keep_vars=False)
    b = resumed.model.state_dict(keep_vars=False)
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key
    # iterations 3 and 4 did change the student after the checkpoint
    assert not torch.equal(a['architecture.head.layers.head.weight'],
                           ckpt['state_dict'][
                               'architecture.head.layers.head.weight'])
    for (name, p), q in zip(whole.model.teacher.state_dict().items(),
                            resumed.model.teacher.state_dict().values()):
        assert torch.equal(p, q), name
