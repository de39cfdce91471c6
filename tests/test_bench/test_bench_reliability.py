"""kd_bench reliability (issue 18 item 7).

Workers die with the driver (the one subprocess test: a process boundary
is the point), one worker per run dir, flags never silently overridden,
``--cfg-options foo`` as one line. (Shipped teacher weights found relative
to the project and checked against their recorded SHA-256: main's
``lfcc_mm.zoo``, pinned by ``tests/test_mim``.)
"""
import importlib.util
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import lfcc_mm  # noqa: F401
from lfcc_bench.worker_process import (LOCK_FILE, lock_run_dir, start_worker,
                                       stop_workers)
from lfcc_mm.errors import EXIT_USER_ERROR, UserError

REPO = Path(__file__).resolve().parents[2]
SLEEPER = [sys.executable, '-c', 'import time; time.sleep(120)']


def _kd_bench():
    spec = importlib.util.spec_from_file_location(
        'kd_bench_tool', REPO / 'tools' / 'benchmark' / 'kd_bench.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def kd_bench():
    return _kd_bench()


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie nobody reaped counts as dead)."""
    try:
        with open(f'/proc/{pid}/status') as f:
            state = [ln for ln in f if ln.startswith('State:')][0]
    except (FileNotFoundError, IndexError):
        return False
    return 'Z' not in state.split()[1]


@pytest.mark.skipif(not sys.platform.startswith('linux'),
                    reason='PR_SET_PDEATHSIG is Linux only')
def test_workers_die_with_a_killed_driver(tmp_path):
    script = textwrap.dedent(f'''
        import sys, time
        sys.path.insert(0, {str(REPO)!r})
        from lfcc_bench.worker_process import start_worker
        proc = start_worker({SLEEPER!r}, {str(tmp_path / 'run')!r})
        print(proc.pid, flush=True)
        time.sleep(120)
    ''')
    drv = subprocess.Popen([sys.executable, '-c', script],
                           stdout=subprocess.PIPE, text=True)
    try:
        worker = int(drv.stdout.readline())
        assert _alive(worker)
        drv.send_signal(signal.SIGKILL)  # no handler, no cleanup can run
        drv.wait(30)
        deadline = time.monotonic() + 20
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(worker), 'the worker outlived its killed driver'
        lock_run_dir(str(tmp_path / 'run'))  # and its lock is free again
    finally:
        drv.kill()
        drv.wait()


def test_one_worker_per_run_dir(tmp_path):
    run = str(tmp_path / 'run')
    proc = start_worker(SLEEPER, run)
    try:
        with pytest.raises(UserError) as info:
            start_worker(SLEEPER, run)
        assert str(info.value).startswith(
            f'run dir {run} is in use by another benchmark worker (pid '
            f'{proc.pid}, lock {os.path.join(run, LOCK_FILE)})')
    finally:
        stop_workers([proc])
    assert proc.returncode is not None
    second = start_worker(SLEEPER, run)  # free once the first one ended
    stop_workers([second])


@pytest.mark.parametrize('argv, seeds, teachers', [
    (['--quick'], [0], 'train'),
    (['--quick', '--seeds', '3', '4'], [3, 4], 'train'),
    (['--quick', '--teachers', 'auto'], [0], 'auto'),
    ([], [0, 1, 2], 'auto'),
])
def test_quick_never_overrides_a_given_flag(kd_bench, argv, seeds, teachers):
    args = kd_bench.parse_args(argv + ['--epochs', '2'])
    kd_bench.apply_defaults(args)
    assert args.seeds == seeds and args.teachers == teachers
    assert args.epochs == 2


def _error_line(capsys, main, argv) -> str:
    capsys.readouterr()
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == EXIT_USER_ERROR
    lines = [ln for ln in capsys.readouterr().err.splitlines()
             if ': error: ' in ln]
    assert len(lines) == 1, lines
    return lines[0].split(': error: ', 1)[1]


def test_quick_seeds_are_checked(kd_bench, capsys, monkeypatch):
    monkeypatch.delenv('LFCC_DEBUG', raising=False)
    line = _error_line(capsys, kd_bench.main, ['--quick', '--seeds', '1',
                                               '1'])
    assert line.startswith('--seeds must be unique, got [1] more than once')


def test_cfg_options_without_equals_sign(kd_bench, capsys, monkeypatch):
    monkeypatch.delenv('LFCC_DEBUG', raising=False)
    line = _error_line(capsys, kd_bench.main, ['--cfg-options', 'foo'])
    assert line.startswith("--cfg-options: 'foo' is not key=value")
