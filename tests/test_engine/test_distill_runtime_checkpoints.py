"""The distillation runtime's checkpoint hook keeps the student's best.

``configs/_base_/distill_runtime.py`` sets ``save_best='auto'``, which takes
the first metric of a validation. ``SingleTeacherDistillValLoop`` reports
the student's metrics first and the teacher's as ``teacher.<key>``; this
trains the tiny distillation config for real with that loop and hook.
"""
import uuid
from pathlib import Path

import numpy as np
import torch
from mmengine.config import Config
from mmengine.runner import Runner
from PIL import Image

from lfcc_mm.engine import AtomicCheckpointHook

REPO = Path(__file__).resolve().parents[2]
TINY_CONFIG = REPO / 'tests' / 'test_tools' / 'configs' / \
    'tiny_lfcc_vit_resnet.py'


def _write_images(root: Path) -> None:
    """``root/<class>/<i>.png``: 32x32 images of two separable classes."""
    rng = np.random.default_rng(0)
    for label, name in enumerate(('bright', 'dark')):
        (root / name).mkdir(parents=True)
        for i in range(4):
            img = rng.integers(0, 128, (32, 32, 3), dtype=np.uint8)
            Image.fromarray(img + 127 * (1 - label)).save(
                root / name / f'{i}.png')


def test_runtime_settings():
    runtime = Config.fromfile(REPO / 'configs' / '_base_' /
                              'distill_runtime.py')
    checkpoint = dict(runtime.default_hooks.checkpoint)
    # Merged into mmpretrain's default_hooks, hence mmpretrain's scope; its
    # HOOKS registry finds the hook in its parent, mmengine's.
    assert checkpoint.pop('_scope_') == 'mmpretrain'
    assert checkpoint == dict(type='AtomicCheckpointHook', interval=1,
                              max_keep_ckpts=3, save_best='auto')
    assert runtime.env_cfg.dist_cfg == dict(backend='nccl', timeout=1800)


def test_save_best_auto_tracks_the_student_top1(tmp_path, monkeypatch):
    _write_images(tmp_path / 'data' / 'tiny')
    monkeypatch.chdir(tmp_path)
    runtime = Config.fromfile(REPO / 'configs' / '_base_' /
                              'distill_runtime.py')
    cfg = Config.fromfile(TINY_CONFIG)
    cfg.default_hooks.checkpoint = runtime.default_hooks.checkpoint
    cfg.val_cfg = dict(type='mmrazor.SingleTeacherDistillValLoop')
    cfg.train_cfg = dict(by_epoch=True, max_epochs=2, val_interval=1)
    # Every save formats the config with yapf (seconds); not tested here.
    monkeypatch.setattr(Config, 'pretty_text', property(lambda c: c.text))
    cfg.train_dataloader.sampler = dict(type='DefaultSampler', shuffle=True)
    cfg.log_processor = dict(by_epoch=True)
    cfg.work_dir = str(tmp_path / 'work')
    cfg.experiment_name = f'distill_{uuid.uuid4().hex}'
    runner = Runner.from_cfg(cfg)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny convs: threads only contend
    try:
        runner.train()
    finally:
        torch.set_num_threads(threads)

    hook = next(h for h in runner.hooks
                if isinstance(h, AtomicCheckpointHook))
    assert hook.key_indicators == ['accuracy/top1']
    student = runner.message_hub.get_scalar('val/accuracy/top1').data[0]
    teacher = runner.message_hub.get_scalar(
        'val/teacher.accuracy/top1').data[0]
    assert len(student) == len(teacher) == 2
    best = runner.message_hub.get_info('best_score')
    assert best == max(student)
    best_epoch = 1 + list(student).index(best)
    names = sorted(p.name for p in (tmp_path / 'work').glob('*.pth'))
    assert names == [f'best_accuracy_top1_epoch_{best_epoch}.pth',
                     'epoch_1.pth', 'epoch_2.pth']
