"""One run per work directory: a lock file held while the run lives.

Two runs started in the same work dir interleave their logs and checkpoints,
and the second removes the first's unfinished ``*.tmp`` saves. The first
run therefore holds an exclusive ``fcntl.flock`` on ``<work_dir>/.lock``
(which also records its pid and host); a second run gets one line that
names the live process. The kernel drops the lock when its process ends,
however it ends (``kill -9`` included), so a lock file left by a dead
process is simply taken over, with a log line that says so.

:class:`WorkDirLockHook` takes the lock in ``before_train``, before any
other hook touches the work dir's files (it runs first: the checkpoint
hook's clean-up of unfinished saves comes after it), and releases it in
``after_train``. Only training locks: ``tools/test.py`` on a checkpoint of a
run that is still training is not refused. In a process group, rank 0 takes
the lock and tells the other ranks, so that all of them stop.
"""
from __future__ import annotations

import errno
import os
import os.path as osp
import socket
from typing import IO, Dict, Optional

from mmengine.dist import broadcast_object_list, get_rank, get_world_size
from mmengine.hooks import Hook
from mmengine.registry import HOOKS

from lfcc_mm.errors import UserError

LOCK_NAME = '.lock'

try:
    import fcntl
except ImportError:  # Windows: no flock; the hook then does nothing
    fcntl = None  # type: ignore[assignment]


# The locks this process holds, by lock file: a run of this process that
# ended by an exception never reached ``after_train``; the next run of the same
# process in that work dir takes its lock over instead of refusing itself.
_HELD: Dict[str, 'WorkDirLock'] = {}


class WorkDirBusyError(UserError):
    """Another live process trains in the same work directory."""


class WorkDirLock:
    """An exclusive lock on a work directory, held by this process.

    Args:
        work_dir (str): The work directory (created if missing).

    Examples:
        >>> lock = WorkDirLock('work_dirs/run')
        >>> previous = lock.acquire()   # WorkDirBusyError if taken
        >>> lock.release()
    """

    def __init__(self, work_dir: str) -> None:
        self.work_dir = osp.abspath(work_dir)
        self.path = osp.join(self.work_dir, LOCK_NAME)
        self._file: Optional[IO[str]] = None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._file is not None

    def acquire(self) -> Optional[str]:
        """Take the lock, or raise naming the process that holds it.

        Returns:
            str | None: The owner recorded in a lock file left by a process
            that is gone (taken over), else None.

        Raises:
            WorkDirBusyError: A live process holds the lock.
        """
        if self.held or fcntl is None:
            return None
        stale = _HELD.get(self.path)
        if stale is not None:
            stale.release()
        os.makedirs(self.work_dir, exist_ok=True)
        f = open(self.path, 'a+')
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            f.seek(0)
            owner = f.read().strip() or 'an unknown process'
            f.close()
            if err.errno not in (errno.EWOULDBLOCK, errno.EACCES,
                                 errno.EAGAIN):
                raise
            raise WorkDirBusyError(
                f'work dir {self.work_dir!r} is in use by another run '
                f'({owner}, lock file {self.path}); wait for it to end or '
                f'stop it, or give this run another --work-dir') from None
        f.seek(0)
        previous = f.read().strip() or None
        f.seek(0)
        f.truncate()
        f.write(f'pid {os.getpid()} on {socket.gethostname()}\n')
        f.flush()
        self._file = f
        _HELD[self.path] = self
        return previous

    def release(self) -> None:
        """Drop the lock (the file stays; the next run takes it over)."""
        if self._file is None:
            return
        if _HELD.get(self.path) is self:
            del _HELD[self.path]
        try:
            self._file.seek(0)
            self._file.truncate()
            self._file.flush()
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
        finally:
            self._file.close()
            self._file = None


@HOOKS.register_module()
class WorkDirLockHook(Hook):
    """Hold :class:`WorkDirLock` on ``runner.work_dir`` while the run lives.

    Examples:
        >>> default_hooks = dict(work_dir_lock=dict(type='WorkDirLockHook'))
    """

    priority = 'VERY_HIGH'

    def __init__(self) -> None:
        self.lock: Optional[WorkDirLock] = None

    def before_train(self, runner) -> None:
        """Take the lock (rank 0); every rank stops if it is taken."""
        message = [None]
        if get_rank() == 0:
            self.lock = WorkDirLock(runner.work_dir)
            try:
                previous = self.lock.acquire()
            except WorkDirBusyError as err:
                message = [str(err)]
            else:
                if previous:
                    runner.logger.info(
                        f'Took over the lock of {self.lock.path}, left by '
                        f'{previous}, which is no longer running.')
        if get_world_size() > 1:
            broadcast_object_list(message, src=0)
        if message[0] is not None:
            raise WorkDirBusyError(message[0])

    def after_train(self, runner) -> None:
        """Release the lock."""
        if self.lock is not None:
            self.lock.release()
