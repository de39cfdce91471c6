"""NonFiniteLossHook: a diverged run stops with one line, saving nothing bad.

A toy mmengine Runner (a linear model, two loss terms) trains in-process
with ``lr=1e6``: its loss overflows within a few iterations. The run must
stop at that iteration with a :class:`NonFiniteLossError` that names the
iteration, the non-finite terms and the last checkpoint saved before, and
every checkpoint in the work dir must hold finite tensors only. The tool
(``tools/train.py``) turns it into one ``error:`` line and exit 2.
"""
import os.path as osp
import sys
import uuid
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.model import BaseModel
from mmengine.runner import Runner
from PIL import Image

from lfcc_mm.engine import NonFiniteLossError, NonFiniteLossHook
from lfcc_mm.engine.non_finite_loss_hook import non_finite_terms
from lfcc_mm.cli import EXIT_USER_ERROR, user_error_message
from toy_data import ToyDataset  # tests/test_engine/toy_data.py

REPO = Path(__file__).resolve().parents[2]
TINY_CONFIG = REPO / 'tests' / 'test_tools' / 'configs' / \
    'tiny_lfcc_vit_resnet.py'


class TwoTermModel(BaseModel):
    """``y = w x + b``; an L2 term and a small weight-decay-like term."""

    def __init__(self) -> None:
        super().__init__()
        self.linear = torch.nn.Linear(2, 1)

    def forward(self, inputs, data_samples=None, mode='tensor'):
        out = self.linear(torch.stack(inputs)).squeeze(1)
        if mode == 'loss':
            return dict(
                loss_fit=(out - torch.stack(data_samples)).pow(2).mean(),
                loss_aux=1e-3 * self.linear.weight.pow(2).sum())
        return [dict(pred=o) for o in out]


def make_runner(work_dir, lr: float, max_iters: int = 30,
                interval: int = 1, **hook) -> Runner:
    """A toy Runner saving every ``interval`` iterations, with the
    non-finite check."""
    return Runner(
        model=TwoTermModel(),
        work_dir=str(work_dir),
        experiment_name=f'toy_{uuid.uuid4().hex}',
        train_dataloader=dict(
            dataset=ToyDataset(),
            sampler=dict(type='DefaultSampler', shuffle=False),
            batch_size=2, num_workers=0),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=lr)),
        train_cfg=dict(by_epoch=False, max_iters=max_iters),
        default_hooks=dict(
            checkpoint=dict(type='AtomicCheckpointHook', interval=interval,
                            by_epoch=False, max_keep_ckpts=100),
            non_finite=dict(dict(type='NonFiniteLossHook'), **hook)),
        randomness=dict(seed=0))


def all_finite(path: str) -> bool:
    state = torch.load(path, map_location='cpu')['state_dict']
    return all(torch.isfinite(v).all() for v in state.values())


def test_divergence_stops_before_saving_the_bad_iteration(tmp_path):
    runner = make_runner(tmp_path / 'work', lr=1e6)
    with pytest.raises(NonFiniteLossError) as info:
        runner.train()
    stopped = runner.iter + 1  # the 1-based iteration that went bad
    assert 1 < stopped < 30
    message = str(info.value)
    assert f'non-finite loss at iteration {stopped}:' in message
    assert 'loss_fit=' in message  # the term, not only the total
    assert message.index('loss_fit=') < message.index(' loss=')
    last = osp.join(str(tmp_path / 'work'), f'iter_{stopped - 1}.pth')
    assert f'the last good checkpoint is {last}' in message
    assert 'optim_wrapper.optimizer.lr' in message
    saved = sorted(Path(tmp_path / 'work').glob('iter_*.pth'))
    assert len(saved) == stopped - 1  # nothing of the bad iteration
    assert all(all_finite(str(p)) for p in saved)
    with open(tmp_path / 'work' / 'last_checkpoint') as f:
        assert f.read() == last
    # The tools print it as one line (a UserError), not a traceback.
    assert user_error_message(info.value) == message
    assert '\n' not in message


def test_a_sane_run_is_untouched_and_the_check_can_be_off(tmp_path):
    runner = make_runner(tmp_path / 'ok', lr=0.05, max_iters=8, interval=8)
    runner.train()
    assert runner.iter == 8
    assert all_finite(str(tmp_path / 'ok' / 'iter_8.pth'))
    off = make_runner(tmp_path / 'off', lr=1e6, max_iters=20, interval=20,
                      enabled=False)
    off.train()  # diverges, as mmengine alone would let it
    assert off.iter == 20
    assert not all_finite(str(tmp_path / 'off' / 'iter_20.pth'))


def test_non_finite_terms_and_keys():
    nan, inf = float('nan'), float('inf')
    outputs = dict(loss=torch.tensor(nan), loss_lfcc=torch.tensor(inf),
                   loss_kd=torch.tensor(1.0), acc_top1=torch.tensor(nan))
    assert non_finite_terms(outputs) == ['loss_lfcc=inf', 'loss=nan']
    assert non_finite_terms(outputs, keys=['loss_kd']) == []
    assert non_finite_terms(dict(loss=2.0)) == []
    assert non_finite_terms(None) == []
    with pytest.raises(ValueError, match='keys must be a list'):
        NonFiniteLossHook(keys='loss')


def _write_images(root: Path) -> None:
    rng = np.random.default_rng(0)
    for label, name in enumerate(('bright', 'dark')):
        (root / name).mkdir(parents=True)
        for i in range(4):
            img = rng.integers(0, 128, (32, 32, 3), dtype=np.uint8)
            Image.fromarray(img + 127 * (1 - label)).save(
                root / name / f'{i}.png')


def test_train_tool_exits_2_with_one_line(tmp_path, monkeypatch, capsys):
    """``tools/train.py`` with ``lr=1e6`` on the tiny LFCC config."""
    _write_images(tmp_path / 'data' / 'tiny')
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'diverge.py').write_text(
        f"_base_ = [{str(TINY_CONFIG)!r}]\n"
        "train_cfg = dict(max_iters=12)\n"
        "default_hooks = dict(\n"
        "    checkpoint=dict(type='AtomicCheckpointHook', interval=1,\n"
        "                    max_keep_ckpts=20),\n"
        "    non_finite=dict(type='NonFiniteLossHook'))\n")
    monkeypatch.syspath_prepend(str(REPO / 'tools'))
    import train as train_tool
    monkeypatch.setattr(sys, 'argv', [
        'train.py', 'diverge.py', '--work-dir', 'work', '--cfg-options',
        'optim_wrapper.optimizer.lr=1e6'])
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with pytest.raises(SystemExit) as info:
            train_tool.main()
    finally:
        torch.set_num_threads(threads)
    assert info.value.code == EXIT_USER_ERROR
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith('train.py: error: training diverged: '
                              'non-finite loss at iteration '), err[-1]
    assert 'Traceback' not in '\n'.join(err)
    for path in (tmp_path / 'work').glob('*.pth'):
        assert all_finite(str(path)), path
