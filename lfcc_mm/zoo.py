"""Shipped weights: where they live, their recorded SHA-256, their URL.

Weights shipped with lfcc_mm (today the CIFAR-10 benchmark teachers; the
benchmark's students are meant to join them) are files under
``checkpoints/`` of the checkout, which is ``lfcc_mm/.mim/checkpoints`` of
the package: a symlink in the source tree, real files in a built wheel
(``setup.py``), next to ``lfcc_mm/.mim/configs``. So:

- a config names a shipped file relative to itself, e.g.
  ``'{{ fileDirname }}/../../../checkpoints/benchmark/cifar10/x.pth'`` in
  ``configs/benchmark/cifar10/``: mmengine replaces ``{{ fileDirname }}`` by
  the config's folder, so the path resolves from any working folder, in the
  checkout and in an installed wheel alike (:func:`shipped_path` gives the
  same file from Python);
- every folder of shipped files holds a ``SHA256SUMS`` file
  (``sha256sum`` format: ``<hex digest>  <file name>`` per line), and every
  read of a file it lists (:func:`lfcc_mm.checkpoint.load_checkpoint_file`,
  hence ``teacher_ckpt``, ``load_from``, ``tools/test.py`` and the
  benchmark) checks the file against it first (:func:`verify_shipped`): a
  damaged or replaced file stops the run with one line instead of
  distilling from wrong weights;
- the metafiles give each shipped file's download URL,
  :func:`weights_url` (:data:`WEIGHTS_URL` + its file name), which is what
  ``mim download`` fetches (it accepts only http(s) URLs, not paths).
"""
from __future__ import annotations

import hashlib
import os.path as osp
import re
from typing import Dict, Optional

from lfcc_mm.errors import UserError

#: Name of the checksum file of a folder of shipped weights.
SUMS_FILE = 'SHA256SUMS'

#: Where the shipped weights are published, one file per name (the assets of
#: one release): the metafiles' ``Weights`` are ``WEIGHTS_URL/<file name>``.
#: Upload ``checkpoints/**/*.pth`` and their ``SHA256SUMS`` there when they
#: change (docs/get_started.md#mim). No release is published yet: this is
#: the intended address; until it exists ``mim download`` of these fails.
WEIGHTS_URL = ('https://github.com/lfcc-mm/lfcc_mm/releases/download/'
               'weights-v1')

_SUM_LINE = re.compile(r'^([0-9a-f]{64}) [ *](\S.*)$')


class ShippedWeightsError(UserError):
    """A shipped weights file that differs from its recorded SHA-256."""


def shipped_root() -> str:
    """The folder of shipped weights, ``lfcc_mm/.mim/checkpoints``.

    Returns:
        str: An absolute path; in a checkout a symlink to ``checkpoints/``.
    """
    return osp.join(osp.dirname(osp.abspath(__file__)), '.mim',
                    'checkpoints')


def shipped_path(name: str) -> str:
    """The path of a shipped file, from any working folder.

    Args:
        name (str): Relative to ``checkpoints/``, e.g.
            ``'benchmark/cifar10/vit-s_cifar10.pth'``.

    Returns:
        str: Its absolute path.

    Raises:
        UserError: No such shipped file.
    """
    path = osp.join(shipped_root(), *name.split('/'))
    if not osp.isfile(path):
        raise UserError(
            f'shipped weights {name!r}: no such file under {shipped_root()}; '
            'the shipped files are listed in the SHA256SUMS file of each '
            'folder there (reinstall lfcc_mm if one is missing)')
    return path


def file_sha256(path: str, chunk: int = 1 << 20) -> str:
    """Hex SHA-256 of a file's bytes.

    Args:
        path (str): The file.
        chunk (int): Bytes read at a time. Defaults to 1 MiB.

    Returns:
        str: 64 lowercase hex digits.
    """
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(chunk), b''):
            digest.update(block)
    return digest.hexdigest()


def read_sums(sums_path: str) -> Dict[str, str]:
    """``file name -> hex SHA-256`` of a ``SHA256SUMS`` file.

    Args:
        sums_path (str): The file, in ``sha256sum`` format.

    Returns:
        dict: Digests by file name (relative to the file's folder).

    Raises:
        UserError: A line that is not ``<64 hex digits>  <name>``.
    """
    sums: Dict[str, str] = {}
    with open(sums_path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line.strip():
                continue
            match = _SUM_LINE.match(line)
            if match is None:
                raise UserError(
                    f'{sums_path}:{number}: expected "<sha256 hex>  <file>" '
                    f'(sha256sum format), got {line[:80]!r}; regenerate it '
                    f'with `sha256sum *.pth > {SUMS_FILE}` in its folder')
            sums[match.group(2)] = match.group(1)
    return sums


def recorded_sha256(path: str) -> Optional[str]:
    """The SHA-256 recorded for ``path`` by its folder's ``SHA256SUMS``.

    Args:
        path (str): A weights file.

    Returns:
        str | None: The recorded hex digest; None when its folder has no
        ``SHA256SUMS`` or the file is not listed (not a shipped file).
    """
    sums_path = osp.join(osp.dirname(osp.abspath(path)), SUMS_FILE)
    if not osp.isfile(sums_path):
        return None
    return read_sums(sums_path).get(osp.basename(path))


def verify_shipped(path: str) -> Optional[str]:
    """Check a shipped file against its recorded SHA-256.

    Args:
        path (str): A weights file (any file: one that is not shipped, i.e.
            not listed in its folder's ``SHA256SUMS``, passes unchecked).

    Returns:
        str | None: The verified hex digest; None for a file not shipped.

    Raises:
        ShippedWeightsError: The file's bytes differ from the record.
    """
    want = recorded_sha256(path)
    if want is None:
        return None
    got = file_sha256(path)
    if got != want:
        raise ShippedWeightsError(
            f'shipped weights {path}: SHA-256 {got[:16]}... differs from '
            f'{want[:16]}... recorded in {SUMS_FILE} next to it, so the file '
            'is damaged or was replaced; restore it (`git checkout` it, or '
            'reinstall lfcc_mm), or put your own weights in another folder '
            'and pass that path (e.g. --cfg-options model.teacher_ckpt=PATH)')
    return got


def is_shipped(name: str) -> bool:
    """Whether a file is shipped: present and listed in its ``SHA256SUMS``.

    Args:
        name (str): Relative to ``checkpoints/``.

    Returns:
        bool: True for a shipped file.
    """
    path = osp.join(shipped_root(), *name.split('/'))
    return osp.isfile(path) and recorded_sha256(path) is not None


def student_weights_name(config: str) -> str:
    """Where the shipped student weights of a distillation config live.

    The student alone (``tools/model_converters/extract_student.py
    --plain``) of one run of ``configs/<folder>/<name>.py`` is
    ``checkpoints/<folder>/students/<name>.pth``. The ``students/`` folders
    are published (:func:`weights_url`) but left out of the wheel, which
    carries only what configs load by path (the teachers).

    Args:
        config (str): The config, relative to the repository (or to
            ``lfcc_mm/.mim``), e.g.
            ``'configs/benchmark/cifar10/kd_vit-s_res18-w16_cifar10.py'``.

    Returns:
        str: Relative to ``checkpoints/``, e.g.
        ``'benchmark/cifar10/students/kd_vit-s_res18-w16_cifar10.pth'``.

    Raises:
        ValueError: ``config`` is not a ``configs/.../*.py`` path.
    """
    parts = config.replace(osp.sep, '/').split('/')
    if len(parts) < 3 or parts[0] != 'configs' or \
            not parts[-1].endswith('.py'):
        raise ValueError(f'{config!r}: expected configs/<folder>/<name>.py')
    stem = parts[-1][:-len('.py')]
    return '/'.join(parts[1:-1] + ['students', f'{stem}.pth'])


def weights_url(name: str) -> str:
    """The download URL of a shipped file (a metafile's ``Weights``).

    Args:
        name (str): The file, relative to ``checkpoints/`` or only its
            name; e.g. ``'benchmark/cifar10/vit-s_cifar10.pth'``.

    Returns:
        str: ``WEIGHTS_URL/<file name>``; ``mim download`` saves it under
        that file name.
    """
    return f'{WEIGHTS_URL}/{name.rsplit("/", 1)[-1]}'
