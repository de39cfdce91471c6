"""WorkDirLock / WorkDirLockHook: one live run per work directory.

The other run is a real process (the lock is a process's ``flock``): while
it lives, a run in the same work dir stops in ``before_train`` with one line
naming its pid, before it touches any file of the work dir; once it is
killed (``kill -9``: no clean-up), the lock it left is taken over. Testing
(``Runner.test``) does not lock.
"""
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import torch
from mmengine.model import BaseModel
from mmengine.runner import Runner
from torch.utils.data import Dataset

from lfcc_mm.engine import WorkDirBusyError, WorkDirLock, WorkDirLockHook
from lfcc_mm.engine.work_dir_lock import LOCK_NAME
from lfcc_mm.cli import user_error_message
from lfcc_mm.fileio import TMP_SUFFIX, temp_prefix

REPO = Path(__file__).resolve().parents[2]
HOLDER = """
import sys, time
from lfcc_mm.engine.work_dir_lock import WorkDirLock
WorkDirLock(sys.argv[1]).acquire()
print('locked', flush=True)
time.sleep(600)
"""


class ToyModel(BaseModel):
    """``y = w x`` with an L2 loss."""

    def __init__(self) -> None:
        super().__init__()
        self.linear = torch.nn.Linear(2, 1)

    def forward(self, inputs, data_samples=None, mode='tensor'):
        out = self.linear(torch.stack(inputs)).squeeze(1)
        if mode == 'loss':
            return dict(loss=(out - torch.stack(data_samples)).pow(2).mean())
        return [dict(pred=o) for o in out]


class ToyDataset(Dataset):
    metainfo: dict = dict()

    def __len__(self) -> int:
        return 4

    def __getitem__(self, i: int) -> dict:
        return dict(inputs=torch.full((2, ), float(i)),
                    data_samples=torch.tensor(float(i)))


def make_runner(work_dir) -> Runner:
    return Runner(
        model=ToyModel(),
        work_dir=str(work_dir),
        experiment_name=f'toy_{uuid.uuid4().hex}',
        train_dataloader=dict(
            dataset=ToyDataset(),
            sampler=dict(type='DefaultSampler', shuffle=False),
            batch_size=2, num_workers=0),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)),
        train_cfg=dict(by_epoch=False, max_iters=2),
        default_hooks=dict(
            checkpoint=dict(type='AtomicCheckpointHook', interval=2,
                            by_epoch=False),
            work_dir_lock=dict(type='WorkDirLockHook')),
        randomness=dict(seed=0))


# A half-written save under lfcc_mm.fileio's temp naming (hidden, random).
STALE = temp_prefix('iter_2.pth') + 'a1b2c3' + TMP_SUFFIX


def test_live_holder_refused_dead_holder_taken_over(tmp_path):
    work = tmp_path / 'work'
    work.mkdir()
    # A save the live run is writing: the second run must not remove it.
    (work / STALE).write_bytes(b'half a checkpoint')
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (str(REPO), os.environ.get('PYTHONPATH')) if p))
    holder = subprocess.Popen([sys.executable, '-c', HOLDER, str(work)],
                              stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert holder.stdout.readline().strip() == 'locked'
        runner = make_runner(work)
        with pytest.raises(WorkDirBusyError) as info:
            runner.train()
        message = user_error_message(info.value)
        assert message == str(info.value) and '\n' not in message
        assert f'pid {holder.pid} on ' in message
        assert str(work) in message and '--work-dir' in message
        assert (work / STALE).read_bytes() == b'half a checkpoint'
        assert not list(work.glob('iter_*.pth'))
    finally:
        holder.send_signal(signal.SIGKILL)  # no clean-up at all
        holder.wait()
    assert f'pid {holder.pid} on ' in (work / LOCK_NAME).read_text()

    runner = make_runner(work)
    runner.train()  # takes the dead process's lock over
    assert runner.iter == 2 and (work / 'iter_2.pth').is_file()
    assert not (work / STALE).exists()  # a stale save, now
    hook = next(h for h in runner.hooks if isinstance(h, WorkDirLockHook))
    assert not hook.lock.held  # released in after_train
    assert (work / LOCK_NAME).read_text() == ''
    log = next(Path(runner.log_dir).glob('*.log')).read_text()
    assert f'left by pid {holder.pid} on ' in log
    assert 'which is no longer running' in log


def test_lock_is_reentrant_in_one_process_and_released(tmp_path):
    first = WorkDirLock(str(tmp_path / 'w'))
    assert first.acquire() is None
    assert (tmp_path / 'w' / LOCK_NAME).read_text().startswith(
        f'pid {os.getpid()} on ')
    # A run of this process that died by an exception never released its
    # lock; the next run of the same process takes it over.
    second = WorkDirLock(str(tmp_path / 'w'))
    assert second.acquire() is None  # no other process left it
    assert second.held and not first.held
    second.release()
    assert not second.held
    third = WorkDirLock(str(tmp_path / 'w'))
    assert third.acquire() is None
    third.release()


def test_only_training_locks():
    hooks = WorkDirLockHook.__dict__
    assert 'before_train' in hooks and 'after_train' in hooks
    assert not {'before_run', 'before_test', 'before_val'} & set(hooks)
