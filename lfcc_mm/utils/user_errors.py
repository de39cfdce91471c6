"""Turn configuration mistakes into one clear line instead of a traceback.

The tools wrap their work in :func:`exit_on_user_error`. A mistake the user
can fix in the config or on the command line (a wrong path, a missing
dataset folder, a misspelt component name, an invalid lfcc_mm argument) is
printed as a single ``<tool>: error: <what and where>`` line on stderr and
the process exits with :data:`EXIT_USER_ERROR`. Anything else is a bug and
keeps its full traceback. ``LFCC_DEBUG=1`` shows the traceback always.
"""
from __future__ import annotations

import os
import os.path as osp
import sys
from contextlib import contextmanager
from types import TracebackType
from typing import Iterator, Optional

EXIT_USER_ERROR = 2
DEBUG_ENV = 'LFCC_DEBUG'
_PACKAGE_DIR = osp.dirname(osp.dirname(osp.abspath(__file__)))


class UserError(Exception):
    """A mistake in the config or the command line; the message says where."""


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
    ``TeacherCheckpointError``) and any ``ValueError`` raised by lfcc_mm code
    (components validate their arguments at construction time).

    Args:
        err (BaseException): The exception that ended the tool.

    Returns:
        str | None: The message on one line, or None.
    """
    from lfcc_mm.models import (LayoutError, RecorderSourceError,
                                TeacherCheckpointError)
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
    if not isinstance(err, UserError):
        text = f'{type(err).__name__}: {text}'
    return ' '.join(text.split())


@contextmanager
def exit_on_user_error() -> Iterator[None]:
    """Print a user mistake as one stderr line and exit with code 2.

    Set the environment variable ``LFCC_DEBUG=1`` to get the full traceback
    instead. Nothing is removed from the work directory.

    Yields:
        None
    """
    try:
        yield
    except Exception as err:  # noqa: BLE001 - re-raised unless a user error
        message = user_error_message(err)
        if message is None or os.environ.get(DEBUG_ENV, '0') not in ('', '0'):
            raise
        prog = osp.basename(sys.argv[0]) or 'lfcc_mm'
        print(f'{prog}: error: {message} [{DEBUG_ENV}=1 shows the traceback]',
              file=sys.stderr, flush=True)
        sys.exit(EXIT_USER_ERROR)
