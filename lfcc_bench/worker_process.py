"""Start a benchmark worker that dies with the driver and owns its run dir.

Two guarantees for :mod:`lfcc_bench.driver`:

- **workers die with the driver**: on Linux each worker asks the kernel for
  ``SIGTERM`` when the driver's process ends (``PR_SET_PDEATHSIG``), so a
  driver killed by any signal, ``kill -9`` included, leaves no worker
  training on; the driver also terminates its running workers on any error
  or ``Ctrl-C`` (:func:`stop_workers`);
- **one worker per run dir**: a worker holds an exclusive ``flock`` on
  ``<run dir>/worker.lock`` (taken by the driver before it touches the run
  dir, handed to the worker, released only when the worker ends), so a
  second driver on the same run dir, while a worker of the first still
  runs, is refused with the pid of the running worker instead of starting
  a second one on the same files.
"""
from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import os.path as osp
import signal
import subprocess
import sys
from typing import Any, Dict, Iterable, Optional, Sequence

from lfcc_mm.errors import UserError

#: The lock file in a run dir.
LOCK_FILE = 'worker.lock'
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """In the child before ``exec``: SIGTERM when the parent ends (Linux)."""
    if not sys.platform.startswith('linux'):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def lock_run_dir(work_dir: str) -> int:
    """Take the exclusive lock of ``work_dir``; return its file descriptor.

    Args:
        work_dir (str): A run dir (created if missing).

    Returns:
        int: The open, locked ``worker.lock``; close it to release.

    Raises:
        UserError: Another process holds the lock: names it and its pid.
    """
    os.makedirs(work_dir, exist_ok=True)
    path = osp.join(work_dir, LOCK_FILE)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as err:
        os.close(fd)
        if err.errno not in (errno.EWOULDBLOCK, errno.EACCES):
            raise
        with open(path) as f:
            holder = f.read().strip() or 'unknown'
        raise UserError(
            f'run dir {work_dir} is in use by another benchmark worker (pid '
            f'{holder}, lock {path}); wait for it to finish or stop it, then '
            f'run the command again (it resumes from results.json)'
        ) from None
    return fd


def start_worker(cmd: Sequence[str], work_dir: str,
                 env: Optional[Dict[str, str]] = None,
                 stdout: Any = None, cwd: Optional[str] = None
                 ) -> subprocess.Popen:
    """Start ``cmd`` as the only worker of ``work_dir``.

    :func:`lock_run_dir` then :func:`start_locked_worker`; the driver calls
    the two itself, to prepare the run dir in between.

    Args:
        cmd (Sequence[str]): The worker's command line.
        work_dir (str): Its run dir, locked for its lifetime.
        env (dict, optional): Its environment.
        stdout (file, optional): Its stdout (stderr follows it).
        cwd (str, optional): Its working directory.

    Returns:
        subprocess.Popen: The running worker.

    Raises:
        UserError: ``work_dir`` has a running worker already.
    """
    return start_locked_worker(cmd, lock_run_dir(work_dir), env, stdout, cwd)


def start_locked_worker(cmd: Sequence[str], lock_fd: int,
                        env: Optional[Dict[str, str]] = None,
                        stdout: Any = None, cwd: Optional[str] = None
                        ) -> subprocess.Popen:
    """Start ``cmd`` holding the run-dir lock ``lock_fd``, dying with us.

    The worker inherits ``lock_fd`` (the lock stays held while it runs,
    whatever happens to this process); this process's copy is closed. The
    worker's pid is written into the lock file for the message of a
    refused second worker.

    Args:
        cmd (Sequence[str]): The worker's command line.
        lock_fd (int): From :func:`lock_run_dir`.
        env (dict, optional): Its environment.
        stdout (file, optional): Its stdout (stderr follows it).
        cwd (str, optional): Its working directory.

    Returns:
        subprocess.Popen: The running worker.
    """
    try:
        proc = subprocess.Popen(
            list(cmd), stdout=stdout,
            stderr=subprocess.STDOUT if stdout is not None else None,
            env=env, cwd=cwd, pass_fds=(lock_fd, ),
            preexec_fn=_die_with_parent)
        os.ftruncate(lock_fd, 0)
        os.pwrite(lock_fd, str(proc.pid).encode(), 0)
    finally:
        os.close(lock_fd)
    return proc


def stop_workers(procs: Iterable[subprocess.Popen],
                 timeout: float = 10.0) -> None:
    """Terminate running workers and wait for them (then kill).

    Args:
        procs (Iterable[subprocess.Popen]): Workers, running or not.
        timeout (float): Seconds to wait after ``SIGTERM``. Defaults to 10.
    """
    procs = [p for p in procs if p.poll() is None]
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
