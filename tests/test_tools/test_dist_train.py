"""``tools/dist_train.sh CONFIG 2`` runs two CPU (gloo) ranks that train;
a hung rank stops the other after the configured collective timeout."""
import socket
import subprocess
import sys
import time

import pytest
import torch

import lfcc_mm  # noqa: F401 - allow-lists mmengine types for torch.load
from lfcc_mm.errors import EXIT_USER_ERROR

from .conftest import TOOLS, read_report, tool_env


@pytest.mark.slow
@pytest.mark.skipif(
    torch.cuda.is_available() and torch.cuda.device_count() < 2,
    reason='with CUDA, each rank needs its own GPU')
def test_two_cpu_ranks_train_and_save(tiny_project, run_tool):
    work_dir = tiny_project / 'work_dirs' / 'dist'
    result = run_tool('dist_train.sh', 'tiny.py', '2', '--work-dir',
                      str(work_dir), env=dict(tool_env(), PORT='29531'))
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'Distributed training: True' in result.stdout
    if not torch.cuda.is_available():
        assert "backend='gloo'" in result.stdout

    reports = [read_report(work_dir, rank) for rank in (0, 1)]
    for rank, report in enumerate(reports):
        assert report['rank'] == rank
        assert report['world_size'] == 2
        assert (report['start_iter'], report['end_iter']) == (0, 4)
    # DDP averaged the gradients, so both replicas end with equal weights.
    assert reports[0]['student_weight_sum'] == pytest.approx(
        reports[1]['student_weight_sum'], rel=1e-6)

    ckpt = torch.load(work_dir / 'iter_4.pth', map_location='cpu')
    assert ckpt['meta']['iter'] == 4
    assert any(k.startswith('architecture.') for k in ckpt['state_dict'])


@pytest.mark.slow
@pytest.mark.skipif(
    torch.cuda.is_available(),
    reason='gloo ranks; with CUDA, NCCL\'s watchdog aborts a hung collective')
def test_hung_rank_stops_the_other_after_the_timeout(tiny_project,
                                                     tmp_path):
    """Rank 1 stops (SIGSTOP) before iteration 3; rank 0 must not wait
    30 min in its next all-gather but exit after ``dist_cfg.timeout``."""
    timeout = 10
    (tiny_project / 'hang.py').write_text(
        "_base_ = ['tiny.py']\n"
        "custom_imports = dict(\n"
        "    imports=['lfcc_mm', 'fault_injection_hooks'],\n"
        "    allow_failed_imports=False)\n"
        "custom_hooks = [dict(type='StopRankHook', rank=1, at_iter=2)]\n")
    with socket.socket() as sock:  # a free port for the rendezvous
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    procs, logs = [], []
    for rank in (0, 1):
        env = dict(tool_env(), RANK=str(rank), LOCAL_RANK=str(rank),
                   WORLD_SIZE='2', MASTER_ADDR='127.0.0.1',
                   MASTER_PORT=str(port))
        out = open(tmp_path / f'rank{rank}.out', 'w+')
        logs.append(out)
        procs.append(subprocess.Popen(
            [sys.executable, str(TOOLS / 'train.py'), 'hang.py',
             '--launcher', 'pytorch', '--work-dir',
             str(tiny_project / 'work_dirs' / 'hang'), '--cfg-options',
             f'env_cfg.dist_cfg.timeout={timeout}'],
            cwd=tiny_project, env=env, stdout=out, stderr=subprocess.STDOUT))
    try:
        deadline = time.monotonic() + 240
        while _state(procs[1].pid) != 'T':  # wait for rank 1 to stop
            assert procs[0].poll() is None and procs[1].poll() is None, (
                _read(logs[0])[-3000:] + _read(logs[1])[-3000:])
            assert time.monotonic() < deadline, 'rank 1 never stopped'
            time.sleep(0.05)
        stopped = time.monotonic()
        returncode = procs[0].wait(timeout=timeout + 60)
        waited = time.monotonic() - stopped
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()  # SIGKILL ends a stopped process too
                proc.wait()
    output = _read(logs[0])
    for log in logs:
        log.close()
    assert returncode == EXIT_USER_ERROR, output[-3000:]
    # Gloo counts from when rank 0 entered the collective, which may be a
    # moment before rank 1 stopped.
    assert timeout / 2 < waited < timeout + 20, (waited, output[-3000:])
    last = output.strip().splitlines()[-1]
    assert last.startswith('train.py: error: rank 0: distributed collective'
                           ' all_gather timed out after 10 s'), last
    assert 'env_cfg.dist_cfg.timeout' in last
    assert 'Traceback' not in output


def _state(pid: int) -> str:
    """The state letter of a Linux process ('T': stopped)."""
    with open(f'/proc/{pid}/stat') as f:
        return f.read().rsplit(')', 1)[1].split()[0]


def _read(log) -> str:
    log.flush()
    log.seek(0)
    return log.read()
