"""Fault injection: ``kill -9`` at random moments, ``--resume auto``, repeat.

A tiny distillation run (``tools/train.py`` as a subprocess, CPU,
deterministic) keeps one checkpoint (``max_keep_ckpts=1``), saved every
iteration. It is killed with SIGKILL at random moments of its training
phase (around or during a random iteration's save) several times and
resumed with ``--resume auto`` each time; it must end with the weights of
an uninterrupted run, and no kill may cost more than the checkpoint being
written when it struck.
"""
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import List

import pytest
import torch

import lfcc_mm  # noqa: F401 - allow-lists mmengine types for torch.load

from .conftest import TOOLS, tool_env

MAX_ITERS = 10
KILLS = 3
CONFIG = f"""_base_ = ['tiny.py']
custom_imports = dict(
    imports=['lfcc_mm', 'rank_report_hook', 'fault_injection_hooks'],
    allow_failed_imports=False)
custom_hooks = [dict(type='RankReportHook'),
                dict(type='SlowIterHook', seconds=0.1)]
train_cfg = dict(max_iters={MAX_ITERS}, val_interval={MAX_ITERS})
default_hooks = dict(checkpoint=dict(
    type='AtomicCheckpointHook', interval=1, by_epoch=False,
    max_keep_ckpts=1))
"""


def _start(tiny_project: Path, work_dir: Path, log: Path,
           *extra: str) -> subprocess.Popen:
    with open(log, 'w') as out:
        return subprocess.Popen(
            [sys.executable, str(TOOLS / 'train.py'), 'killable.py',
             '--work-dir', str(work_dir), *extra],
            cwd=tiny_project, env=tool_env(), stdout=out,
            stderr=subprocess.STDOUT)


def _wait_for(proc: subprocess.Popen, log: Path, text: str,
              timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while text not in log.read_text() and proc.poll() is None:
        assert time.monotonic() < deadline, log.read_text()[-3000:]
        time.sleep(0.02)


def _ints(pattern: str, text: str) -> List[int]:
    return [int(m) for m in re.findall(pattern, text)]


@pytest.mark.slow
def test_kill_9_at_random_moments_then_resume_auto_matches(tiny_project,
                                                           tmp_path):
    (tiny_project / 'killable.py').write_text(CONFIG)
    seed = int.from_bytes(os.urandom(4), 'little')
    rng = random.Random(seed)
    # The uninterrupted reference, on the other core meanwhile.
    reference_dir = tmp_path / 'reference'
    reference = _start(tiny_project, reference_dir, tmp_path / 'ref.log')

    work_dir = tmp_path / 'killed'
    kills, saving_started, history = 0, 0, []
    for attempt in range(KILLS + 3):
        log = tmp_path / f'attempt{attempt}.log'
        proc = _start(tiny_project, work_dir, log, '--resume', 'auto')
        if kills < KILLS and saving_started < MAX_ITERS - 1:
            # Around the save of a random iteration in the next share of
            # the run, so that kills spread over it however fast this
            # machine is.
            share = (MAX_ITERS - 1 - saving_started) // (KILLS - kills)
            target = rng.randint(saving_started + 1,
                                 saving_started + max(1, share))
            _wait_for(proc, log, f'Saving checkpoint at {target} iter')
            time.sleep(rng.uniform(0, 0.5))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
        returncode = proc.wait(timeout=240)
        text = log.read_text()
        resumed = _ints(r'resumed epoch: \d+, iter: (\d+)', text)
        history.append((attempt, returncode, resumed,
                        _ints(r'Saving checkpoint at (\d+)', text)))
        context = f'seed {seed}, history {history}\n{text[-3000:]}'
        start_iter = resumed[0] if resumed else 0
        # At most the checkpoint being written when killed is lost.
        assert start_iter >= saving_started - 1, context
        if start_iter == 0:  # --resume auto on a work dir without one
            assert 'no complete checkpoint in' in text, context
            assert 'training starts from scratch' in text, context
        saving_started = max(history[-1][3], default=saving_started)
        if returncode == 0:
            break
        assert returncode == -signal.SIGKILL, context
    assert returncode == 0 and kills >= 2, f'seed {seed}, {history}'
    assert sorted(p.name for p in work_dir.glob('*.pth*')) == [
        f'iter_{MAX_ITERS}.pth']

    assert reference.wait(timeout=240) == 0, (
        (tmp_path / 'ref.log').read_text()[-3000:])
    a = torch.load(work_dir / f'iter_{MAX_ITERS}.pth', map_location='cpu')
    b = torch.load(reference_dir / f'iter_{MAX_ITERS}.pth',
                   map_location='cpu')
    assert a['meta']['iter'] == b['meta']['iter'] == MAX_ITERS
    assert a['state_dict'].keys() == b['state_dict'].keys()
    for key, value in a['state_dict'].items():
        torch.testing.assert_close(value, b['state_dict'][key], rtol=0,
                                   atol=1e-6, msg=key)
    assert a['param_schedulers'] == b['param_schedulers']
