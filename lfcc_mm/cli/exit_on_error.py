"""Turn configuration mistakes into one clear line instead of a traceback.

The tools wrap their work in :func:`exit_on_user_error`. A mistake the user
can fix in the config or on the command line (a :class:`~lfcc_mm.errors.
UserError`, a missing file, an lfcc_mm configuration error) is printed as a
single ``<tool>: error: <what and where>`` line on stderr and the process
exits with :data:`~lfcc_mm.errors.EXIT_USER_ERROR`. Anything else is a bug
and keeps its full traceback. ``LFCC_DEBUG=1`` shows the traceback always.
"""
from __future__ import annotations

import os
import os.path as osp
import re
import sys
import traceback
from contextlib import contextmanager
from types import TracebackType
from typing import Iterator, Optional

from lfcc_mm.errors import EXIT_USER_ERROR, UserError
from lfcc_mm.models import (LayoutError, RecorderSourceError,
                            TeacherCheckpointError)

DEBUG_ENV = 'LFCC_DEBUG'
_PACKAGE_DIR = osp.dirname(osp.dirname(osp.abspath(__file__)))


# A DataLoader worker's exception reaches the main process re-created with
# this header and the worker's whole traceback as its message.
_WORKER_TRACEBACK = 'Original Traceback (most recent call last):'
# mmcv's LoadImageFromFile when the image decoder returns nothing.
_MMCV_IMAGE_MISS = re.compile(r'failed to load image: (?P<path>.+)$')


def _raised_in_lfcc_mm(tb: Optional[TracebackType]) -> bool:
    """Whether the innermost frame of ``tb`` is lfcc_mm code."""
    filename = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        tb = tb.tb_next
    return filename is not None and osp.abspath(filename).startswith(
        _PACKAGE_DIR + os.sep)


def user_error_message(err: BaseException) -> Optional[str]:
    """The one-line message for a user mistake, or None for a bug.

    User mistakes are :class:`UserError`, :class:`FileNotFoundError`, the
    lfcc_mm configuration errors (``LayoutError``, ``RecorderSourceError``,
    ``TeacherCheckpointError``), any ``ValueError`` raised by lfcc_mm code
    (components validate their arguments at construction time) and mmcv's
    ``failed to load image`` assertion (a corrupt image in any dataset).
    An error a DataLoader worker raised is reported by the worker's own
    message, not by the traceback text the main process re-raises it with.

    Args:
        err (BaseException): The exception that ended the tool.

    Returns:
        str | None: The message on one line, or None.
    """
    image = _unreadable_image_message(err)
    if image is not None:
        return image
    known = (UserError, FileNotFoundError, LayoutError, RecorderSourceError,
             TeacherCheckpointError)
    ours = isinstance(err, ValueError) and _raised_in_lfcc_mm(
        err.__traceback__)
    if not (isinstance(err, known) or ours):
        return None
    if isinstance(err, KeyError) and err.args and isinstance(err.args[0], str):
        text = err.args[0]  # str(KeyError) would add quotes
    else:
        text = str(err)
    text = _unwrap_worker_traceback(text, type(err))
    if not isinstance(err, UserError):
        text = f'{type(err).__name__}: {text}'
    return ' '.join(text.split())


def _unwrap_worker_traceback(text: str, err_type: type) -> str:
    """The worker's own message of an error re-raised by a DataLoader.

    ``"Caught X in DataLoader worker process 0. Original Traceback ...
    pkg.X: message"`` becomes ``"message"``; other text is returned as is.
    """
    if _WORKER_TRACEBACK not in text:
        return text
    last = text.rstrip().splitlines()[-1]
    match = re.match(r'^([\w.]+): (.*)$', last)
    if match and match.group(1).split('.')[-1] == err_type.__name__:
        return match.group(2)
    return last


def _unreadable_image_message(err: BaseException) -> Optional[str]:
    """One line for mmcv's ``failed to load image: PATH`` assertion."""
    if not isinstance(err, AssertionError):
        return None
    text = _unwrap_worker_traceback(str(err), AssertionError)
    match = _MMCV_IMAGE_MISS.search(text.strip())
    if match is None:
        return None
    return (f'cannot read image {match.group("path")!r}: the decoder found no '
            f'image in it (corrupt, truncated or not an image); replace or '
            f'remove the file')


@contextmanager
def exit_on_user_error() -> Iterator[None]:
    """Print a user mistake as one stderr line and exit with code 2.

    Set the environment variable ``LFCC_DEBUG=1`` to get the full traceback
    instead. Nothing is removed from the work directory. A rank of a
    process group leaves through :func:`_exit` on every path (finished: 0,
    user error: 2, any other error: its traceback, then 1), never through
    the interpreter's teardown, which can abort in gloo's threads.

    Yields:
        None
    """
    try:
        yield
    except Exception as err:  # noqa: BLE001 - re-raised unless a user error
        message = user_error_message(err)
        if message is None or os.environ.get(DEBUG_ENV, '0') not in ('', '0'):
            if not in_process_group():
                raise
            traceback.print_exc()  # a bug: the trace, then exit 1 safely
            _exit(1)
        prog = osp.basename(sys.argv[0]) or 'lfcc_mm'
        print(f'{prog}: error: {message} [{DEBUG_ENV}=1 shows the traceback]',
              file=sys.stderr, flush=True)
        _exit(EXIT_USER_ERROR)
    if in_process_group():  # a rank that finished: leave without teardown
        _exit(0)


def in_process_group() -> bool:
    """Whether this process is a rank of an initialised process group."""
    dist = sys.modules.get('torch.distributed')
    return bool(dist is not None and dist.is_available()
                and dist.is_initialized())


def _exit(code: int) -> None:
    """Exit with ``code``; inside a process group, without C++ teardown.

    After a collective timed out, gloo's worker threads are still joinable,
    and the normal interpreter shutdown destroys them, which aborts the
    process (``terminate called without an active exception``, exit code
    -6) after the one-line message; the same teardown aborted now and then
    (about 1 run in 15, 2 CPU ranks) after a run that *finished*, so the
    launcher reported exit 1. A rank of a distributed run therefore flushes
    its logs and leaves with ``os._exit``.
    """
    if in_process_group():
        import logging
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
