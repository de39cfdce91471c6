"""Which checkpoint ``--resume auto`` continues from.

mmengine resumes from the path written in ``<work_dir>/last_checkpoint``;
when that file is missing it silently trains from scratch, and when it is
empty or names a torn file the run fails. :func:`find_resume_checkpoint`
takes ``last_checkpoint`` when it names a complete checkpoint and otherwise
the newest complete ``epoch_<N>.pth``/``iter_<N>.pth`` in the work dir,
reporting what it skipped.

A checkpoint is *complete* when it is a whole ``torch.save`` zip archive
(every checksum verified, :func:`checkpoint_problem`). This reads the file
but unpickles nothing, so it is safe on any file and runs before the Runner.
"""
from __future__ import annotations

import logging
import os
import os.path as osp
import re
import zipfile
from typing import List, Optional, Tuple

# The names mmengine's CheckpointHook gives to training checkpoints (best_*
# files hold no optimizer state and are not resumed from).
TRAINING_CHECKPOINT = re.compile(r'^(?:epoch|iter)_(\d+)\.pth$')


def checkpoint_problem(path: str) -> Optional[str]:
    """Why ``path`` is not a complete checkpoint, or None when it is.

    Args:
        path (str): A file written by ``torch.save`` (zip format, the only
            one mmengine writes).

    Returns:
        str | None: ``'does not exist'``, ``'is a directory'``, ``'is empty
        (0 bytes)'``, ``'is truncated or corrupt (...)'``, or None.
    """
    if not osp.exists(path):
        return 'does not exist'
    if osp.isdir(path):
        return 'is a directory'
    if osp.getsize(path) == 0:
        return 'is empty (0 bytes)'
    try:
        with zipfile.ZipFile(path) as archive:
            if not any(name.endswith('data.pkl')
                       for name in archive.namelist()):
                return 'is truncated or corrupt (no data.pkl record)'
            bad = archive.testzip()
    except (OSError, zipfile.BadZipFile, EOFError, ValueError) as err:
        return f'is truncated or corrupt ({err})'
    if bad is not None:
        return f'is truncated or corrupt (checksum of {bad} fails)'
    return None


def _read_last_checkpoint(work_dir: str) -> Optional[str]:
    """The path in ``work_dir/last_checkpoint``; None when there is none."""
    try:
        with open(osp.join(work_dir, 'last_checkpoint')) as f:
            return f.read().strip()
    except (FileNotFoundError, NotADirectoryError):
        return None


def training_checkpoints(work_dir: str) -> List[str]:
    """``epoch_<N>.pth``/``iter_<N>.pth`` in ``work_dir``, newest first.

    Newest means last written (mtime), then the larger ``N``.

    Args:
        work_dir (str): A training work directory.

    Returns:
        list[str]: Paths, complete or not.
    """
    if not osp.isdir(work_dir):
        return []
    found = []
    for name in os.listdir(work_dir):
        match = TRAINING_CHECKPOINT.match(name)
        path = osp.join(work_dir, name)
        if match and osp.isfile(path):
            found.append((osp.getmtime(path), int(match.group(1)), path))
    return [path for *_, path in sorted(found, reverse=True)]


def find_resume_checkpoint(work_dir: str) -> Tuple[Optional[str], List[str]]:
    """The checkpoint ``--resume auto`` continues from.

    Args:
        work_dir (str): The run's work directory.

    Returns:
        tuple[str | None, list[str]]: The newest complete checkpoint (the
        one ``last_checkpoint`` names when that is complete), or None; and
        one note per thing passed over (``last_checkpoint`` missing or
        empty, an incomplete checkpoint and why).
    """
    skipped: List[str] = []
    recorded = _read_last_checkpoint(work_dir)
    if recorded is None:
        skipped.append(f'{osp.join(work_dir, "last_checkpoint")} is missing')
    elif not recorded:
        skipped.append(f'{osp.join(work_dir, "last_checkpoint")} is empty')
    else:
        problem = checkpoint_problem(recorded)
        if problem is None:
            return recorded, skipped
        skipped.append(f'{recorded} (named by last_checkpoint) {problem}')
    for path in training_checkpoints(work_dir):
        if recorded and osp.abspath(path) == osp.abspath(recorded):
            continue
        problem = checkpoint_problem(path)
        if problem is None:
            return path, skipped
        skipped.append(f'{path} {problem}')
    return None, skipped


def resume_settings(resume: Optional[str],
                    work_dir: str) -> Tuple[bool, Optional[str]]:
    """``(cfg.resume, cfg.load_from)`` for ``tools/train.py --resume``.

    ``'auto'`` resumes from :func:`find_resume_checkpoint` and logs what it
    skipped; without any complete checkpoint it warns and the run starts
    from scratch. An explicit path must be a complete checkpoint.

    Args:
        resume (str | None): None (no ``--resume``), ``'auto'`` or a path.
        work_dir (str): The run's work directory.

    Returns:
        tuple[bool, str | None]: Whether to resume, and from which file.

    Raises:
        UserError: An explicit path that is missing or not a complete
            checkpoint (the message lists the complete ones in its folder).
    """
    from mmengine.logging import print_log

    from lfcc_mm.errors import UserError
    if resume is None:
        return False, None
    if resume != 'auto':
        problem = checkpoint_problem(resume)
        if problem is None:
            return True, resume
        folder = osp.dirname(resume) or '.'
        found = [osp.basename(p) for p in training_checkpoints(folder)
                 if checkpoint_problem(p) is None]
        there = (f'{folder} holds {", ".join(found)}' if found else
                 f'{folder} holds no complete epoch_*/iter_*.pth')
        raise UserError(f'--resume checkpoint {resume!r} {problem} ({there}; '
                        '--resume auto picks the newest complete one in '
                        'the work dir)')

    path, skipped = find_resume_checkpoint(work_dir)
    if path is None:
        print_log(
            f'--resume auto: no complete checkpoint in {work_dir} '
            f'({"; ".join(skipped)}), so training starts from scratch.',
            logger='current', level=logging.WARNING)
        return False, None
    if len(skipped) == 0:
        print_log(f'Auto resumed from the latest checkpoint {path}.',
                  logger='current')
    else:
        print_log(
            f'--resume auto: resuming from {path}, the newest complete '
            f'checkpoint; skipped: {"; ".join(skipped)}.',
            logger='current', level=logging.WARNING)
    return True, path
