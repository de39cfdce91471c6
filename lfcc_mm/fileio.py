"""The one atomic file writer of lfcc_mm (bottom layer: imports no lfcc_mm).

A reader (or a resumed run) must see either the old file or the complete
new one, never a torn one. Every writer of a file someone relies on later
(checkpoints, ``last_checkpoint``, benchmark results and progress, converted
weights, the model zoo) goes through :func:`atomic_path`:

1. a temporary file is created next to the destination (same folder, so
   the rename cannot cross file systems), named by ONE scheme:
   ``.<name>.<random>.tmp`` (hidden, and never matching ``*.pth``/``*.json``
   globs of the final names);
2. the caller writes it (by name, e.g. ``torch.save`` or mmengine's
   ``Runner.save_checkpoint``);
3. it is fsynced, renamed over the destination with :func:`os.replace`
   (atomic on POSIX) and the folder is fsynced;
4. on ANY failure before the rename (an exception, ``KeyboardInterrupt``,
   a full disk) the temporary file is removed and an existing destination
   is untouched. A ``kill -9`` can still leave a temporary file behind:
   :func:`stale_temp_files` finds those of one name pattern.

Examples:
    >>> write_json_atomic('work_dir/results.json', dict(rows=[]))
    >>> with atomic_path('work_dir/model.onnx') as tmp:
    ...     export(model, tmp)
"""
from __future__ import annotations

import glob
import json
import os
import os.path as osp
import tempfile
from contextlib import contextmanager
from typing import Any, Iterator, List, Optional

#: Suffix of every temporary file of :func:`atomic_path`.
TMP_SUFFIX = '.tmp'


def temp_prefix(filename: str) -> str:
    """The name prefix of the temporary files of ``filename``.

    Args:
        filename (str): A destination path (or its base name).

    Returns:
        str: ``'.<basename>.'``.
    """
    return f'.{osp.basename(filename)}.'


def stale_temp_files(folder: str, name_pattern: str = '*') -> List[str]:
    """Temporary files that an interrupted :func:`atomic_path` left.

    Args:
        folder (str): The folder of the destinations.
        name_pattern (str): A glob of the destinations' base names, e.g.
            ``'*.pth'`` or ``'last_checkpoint'``.

    Returns:
        list[str]: Paths of the matching temporary files, sorted.
    """
    pattern = osp.join(glob.escape(folder),
                       f'{temp_prefix(name_pattern)}*{TMP_SUFFIX}')
    return sorted(glob.glob(pattern))  # a leading '.' matches hidden files


def _fsync(path: str) -> None:
    """Flush ``path`` (a file or a folder) to the disk, where possible."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # e.g. folders cannot be opened on Windows
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def atomic_path(filename: str) -> Iterator[str]:
    """Yield a temporary path that replaces ``filename`` once written.

    The folder of ``filename`` is created. The temporary file exists (empty,
    with the permissions of a normal new file) when the block starts; write
    it by name. When the block ends normally it is synced and renamed over
    ``filename``; when it raises anything (``KeyboardInterrupt`` included)
    it is removed and ``filename`` keeps its old content.

    Args:
        filename (str): The destination path.

    Yields:
        str: The temporary path, in the folder of ``filename``.
    """
    folder = osp.dirname(osp.abspath(filename))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=temp_prefix(filename), suffix=TMP_SUFFIX, dir=folder)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp's 0600 -> a normal file
        os.close(fd)
        yield tmp
        _fsync(tmp)
        os.replace(tmp, filename)
    except BaseException:
        if osp.lexists(tmp):
            os.remove(tmp)
        raise
    _fsync(folder)


def write_bytes_atomic(path: str, data: bytes) -> str:
    """Replace ``path`` with ``data`` atomically (:func:`atomic_path`).

    Args:
        path (str): Destination.
        data (bytes): Its new content.

    Returns:
        str: ``path``.
    """
    with atomic_path(path) as tmp, open(tmp, 'wb') as f:
        f.write(data)
    return path


def write_text_atomic(path: str, text: str) -> str:
    """Replace ``path`` with ``text`` (UTF-8, ``\\n`` line ends) atomically.

    Args:
        path (str): Destination.
        text (str): Its new content.

    Returns:
        str: ``path``.
    """
    return write_bytes_atomic(path, text.encode('utf-8'))


def write_json_atomic(path: str, obj: Any,
                      indent: Optional[int] = 2) -> str:
    """Replace ``path`` with ``obj`` as JSON atomically.

    Args:
        path (str): Destination.
        obj (Any): A JSON-serialisable value.
        indent (int, optional): JSON indentation (None: one line).
            Defaults to 2.

    Returns:
        str: ``path``.
    """
    return write_text_atomic(path, json.dumps(obj, indent=indent))


def torch_save_atomic(obj: Any, path: str) -> str:
    """``torch.save(obj, path)`` that never leaves a torn ``path`` behind.

    Move tensors to the CPU first (mmengine's ``weights_to_cpu``) where they
    may live on a GPU.

    Args:
        obj (Any): What to save, e.g. ``dict(state_dict=..., meta=...)``.
        path (str): Destination.

    Returns:
        str: ``path``.
    """
    import torch  # lazy: this module stays importable without torch

    with atomic_path(path) as tmp, open(tmp, 'wb') as f:
        torch.save(obj, f)
    return path
