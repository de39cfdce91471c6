"""LastBatchCheckHook: a last batch of one sample is refused before step 1.

The tiny LFCC config (an ``LFCCLoss``) trains by epoch on 5 images with
batch 4 and ``drop_last=False``: the last batch of every epoch holds one
sample, which has no negatives. The run must stop before its first
iteration with one line, instead of after a whole epoch.
"""
import uuid
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner
from PIL import Image
from torch import nn
from torch.utils.data import DataLoader

from lfcc_mm.engine import LastBatchCheckHook, LastBatchError
from lfcc_mm.engine.last_batch_check_hook import (contrastive_losses,
                                                  last_global_batches)
from lfcc_mm.models.losses import LFCCLoss
from lfcc_mm.cli import user_error_message

REPO = Path(__file__).resolve().parents[2]
TINY_CONFIG = REPO / 'tests' / 'test_tools' / 'configs' / \
    'tiny_lfcc_vit_resnet.py'


def test_last_global_batches():
    assert last_global_batches(9, 4, 1) == [1]
    assert last_global_batches(8, 4, 1) == []
    assert last_global_batches(10, 4, 1) == [2]
    # 2 ranks, round_up: 5 each (one repeated), last step 1 + 1 = 2.
    assert last_global_batches(9, 4, 2) == [2]
    # Without round_up: rank 0 gets 5, rank 1 gets 4: last step 1 + 0.
    assert last_global_batches(9, 4, 2, round_up=False) == [1]
    assert last_global_batches(3, 4, 1) == [3]


class WithLoss(nn.Module):

    def __init__(self) -> None:
        super().__init__()
        self.loss_lfcc = LFCCLoss()


def test_problem_only_for_a_contrastive_loss_and_a_short_batch():
    data = list(range(9))
    assert contrastive_losses(WithLoss()) == [('loss_lfcc', 2)]
    assert contrastive_losses(nn.Linear(2, 2)) == []
    short = DataLoader(data, batch_size=4, drop_last=False)
    message = LastBatchCheckHook.problem(WithLoss(), short)
    assert message.startswith('train_dataloader: the last batch of every '
                              'epoch holds 1 sample(s) (9 samples, '
                              'batch_size 4, drop_last=False)')
    assert 'loss_lfcc' in message
    assert 'train_dataloader.drop_last=True' in message
    assert LastBatchCheckHook.problem(nn.Linear(2, 2), short) is None
    assert LastBatchCheckHook.problem(
        WithLoss(), DataLoader(data, batch_size=4, drop_last=True)) is None
    assert LastBatchCheckHook.problem(
        WithLoss(), DataLoader(data, batch_size=3)) is None


def _write_images(root: Path) -> None:
    rng = np.random.default_rng(0)
    for label, name in enumerate(('bright', 'dark')):
        (root / name).mkdir(parents=True)
        for i in range(3 - label):  # 3 + 2 = 5 images
            img = rng.integers(0, 128, (32, 32, 3), dtype=np.uint8)
            Image.fromarray(img + 127 * (1 - label)).save(
                root / name / f'{i}.png')


def test_run_stops_before_the_first_step(tmp_path, monkeypatch):
    _write_images(tmp_path / 'data' / 'tiny')
    monkeypatch.chdir(tmp_path)
    cfg = Config.fromfile(TINY_CONFIG)
    cfg.train_dataloader.sampler = dict(type='DefaultSampler', shuffle=True)
    cfg.train_dataloader.drop_last = False
    cfg.train_cfg = dict(by_epoch=True, max_epochs=1, val_interval=1)
    cfg.default_hooks.batch_check = dict(type='LastBatchCheckHook')
    cfg.log_processor = dict(by_epoch=True)
    cfg.work_dir = str(tmp_path / 'work')
    cfg.experiment_name = f'last_batch_{uuid.uuid4().hex}'
    runner = Runner.from_cfg(cfg)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with pytest.raises(LastBatchError) as info:
            runner.train()
    finally:
        torch.set_num_threads(threads)
    assert runner.iter == 0  # not a single step trained
    message = user_error_message(info.value)
    assert message.startswith('train_dataloader: the last batch of every '
                              'epoch holds 1 sample(s) (5 samples, '
                              'batch_size 4, drop_last=False)'), message
    assert 'distiller.distill_losses.loss_lfcc' in message
    assert not list((tmp_path / 'work').glob('*.pth'))
