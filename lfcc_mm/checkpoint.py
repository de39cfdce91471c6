"""Checkpoint I/O of lfcc_mm: one place to read, match and write weights.

Every path that reads a checkpoint (the teacher's ``teacher_ckpt``, the
Runner's ``--resume``/``load_from``, ``tools/test.py``, the student export,
the feature-spectrum analysis and the benchmark) goes through
:func:`load_checkpoint_file`, which always uses torch's weights-only
unpickler (a crafted file cannot run code), and every path that puts
weights into a model goes through :func:`load_weights`, which runs the
modules' own ``_load_from_state_dict`` upgrade hooks (with the checkpoint's
``_metadata`` versions, as mmengine's ``load_state_dict`` does) and judges
strictness on what is still missing, unexpected or mis-shaped afterwards.

Key layouts: MMRazor distillation algorithms keep the student under
``architecture.`` and the teacher under ``teacher.``;
:func:`student_state_dict` turns such a state dict into the plain student's.
"""
from __future__ import annotations

import os
import os.path as osp
import pickle
import re
from collections import OrderedDict
from contextlib import contextmanager
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Type

import torch
from mmengine.model import is_model_wrapper
from mmengine.runner.checkpoint import CheckpointLoader
from torch import nn

from lfcc_mm.errors import UserError
from lfcc_mm.fileio import torch_save_atomic
from lfcc_mm.zoo import verify_shipped

STUDENT_PREFIX = 'architecture.'
TEACHER_PREFIX = 'teacher.'
_FORCE_SAFE_ENV = 'TORCH_FORCE_WEIGHTS_ONLY_LOAD'
_FORCE_UNSAFE_ENV = 'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD'
_TRUST_HINT = ('Only if you trust its source: re-save its weights with '
               'torch.load(..., weights_only=False) and pass that file')
_SIZE_MISMATCH = re.compile(r'size mismatch for ([^:\s]+):')


class CheckpointError(UserError):
    """A checkpoint that cannot be used as asked; the message says why."""


class UnsafeCheckpointError(CheckpointError):
    """torch's weights-only unpickler refused the file (it may run code)."""


class CheckpointMismatchError(CheckpointError):
    """The checkpoint's weights do not fit the model.

    Args:
        message (str): The one-line explanation.
        missing (list[str]): Model keys the checkpoint lacks.
        unexpected (list[str]): Checkpoint keys the model lacks.
        bad_shapes (list[str]): Keys whose shapes differ.
    """

    def __init__(self,
                 message: str,
                 missing: Optional[List[str]] = None,
                 unexpected: Optional[List[str]] = None,
                 bad_shapes: Optional[List[str]] = None) -> None:
        super().__init__(message)
        self.missing = list(missing or [])
        self.unexpected = list(unexpected or [])
        self.bad_shapes = list(bad_shapes or [])


# ----------------------------------------------------------------- reading
@contextmanager
def _weights_only_loads() -> Iterator[None]:
    """Make every ``torch.load`` inside the block weights-only.

    mmengine's URL loaders go through ``torch.hub.load_state_dict_from_url``,
    which passes ``weights_only=False``; torch honours
    ``TORCH_FORCE_WEIGHTS_ONLY_LOAD`` over that argument.
    """
    saved = {k: os.environ.get(k)
             for k in (_FORCE_SAFE_ENV, _FORCE_UNSAFE_ENV)}
    os.environ[_FORCE_SAFE_ENV] = '1'
    os.environ.pop(_FORCE_UNSAFE_ENV, None)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _refusal(err: pickle.UnpicklingError) -> str:
    """The part of torch's weights-only error that names the culprit."""
    text = str(err)
    if 'WeightsUnpickler error:' in text:
        text = text.split('WeightsUnpickler error:', 1)[1]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else type(err).__name__


def _load_local_weights_only(filename: str, map_location: Any = None) -> Any:
    """mmengine's local-file loader, with ``weights_only=True`` explicit.

    Registered for mmengine's ``CheckpointLoader`` by
    :func:`install_weights_only_loaders`, so that a user's
    ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`` cannot turn the check off.

    Args:
        filename (str): Local path (``~`` is expanded).
        map_location (Any): As in :func:`torch.load`.

    Returns:
        Any: The unpickled checkpoint.

    Raises:
        FileNotFoundError: The file does not exist (mmengine's message).
        ShippedWeightsError: A shipped file (listed in the ``SHA256SUMS``
            next to it) whose bytes differ from the record
            (:func:`lfcc_mm.zoo.verify_shipped`).
        UnsafeCheckpointError: The unpickler refused the file.
    """
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    verify_shipped(filename)
    try:
        return torch.load(filename, map_location=map_location,
                          weights_only=True)
    except pickle.UnpicklingError as err:
        raise UnsafeCheckpointError(
            f'checkpoint {filename!r} was refused by torch\'s weights-only '
            f'loader, so it was not loaded: {_refusal(err)}. {_TRUST_HINT}'
        ) from None
    except (RuntimeError, EOFError, OSError, ValueError) as err:
        torn = torn_checkpoint_problem(filename)
        if torn is None:
            raise
        raise CheckpointError(
            f'checkpoint {filename!r} {torn}, so it was not loaded; a killed '
            f'save or an interrupted copy leaves such a file: use another '
            f'checkpoint (or copy this one again)') from err


def torn_checkpoint_problem(filename: str) -> Optional[str]:
    """Why ``filename`` is not a whole checkpoint file, or None.

    The check of :func:`lfcc_mm.engine.resume_checkpoint.checkpoint_problem`
    (a zip archive with a ``data.pkl`` record and valid checksums); reads
    the file but unpickles nothing. Files in torch's legacy (non-zip) format
    are not judged (None).

    Args:
        filename (str): A local file.

    Returns:
        str | None: e.g. ``'is empty (0 bytes)'``, ``'is truncated or
        corrupt (...)'``.
    """
    from lfcc_mm.engine.resume_checkpoint import checkpoint_problem
    if osp.isfile(filename) and osp.getsize(filename) > 0:
        with open(filename, 'rb') as f:
            if f.read(2) != b'PK':  # legacy format: not judged here
                return None
    return checkpoint_problem(filename)


def _weights_only_loader(loader: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap one of mmengine's scheme loaders (URL, ``open-mmlab://``...)."""

    def load(filename: str, map_location: Any = None) -> Any:
        try:
            with _weights_only_loads():
                return loader(filename, map_location)
        except pickle.UnpicklingError as err:
            raise UnsafeCheckpointError(
                f'checkpoint {filename!r} was refused by torch\'s '
                f'weights-only loader, so it was not loaded: '
                f'{_refusal(err)}. {_TRUST_HINT}') from None

    load.__name__ = loader.__name__  # mmengine logs 'Loads checkpoint by …'
    load._lfcc_weights_only = True  # type: ignore[attr-defined]
    return load


def install_weights_only_loaders() -> bool:
    """Make all of mmengine's checkpoint loaders weights-only.

    Covers the Runner (``load_from``, ``resume``), mmengine's
    ``load_checkpoint`` and mmpretrain's ``init_cfg=dict(type='Pretrained')``:
    local files get an explicit ``weights_only=True``; URLs and the other
    schemes run with torch's ``TORCH_FORCE_WEIGHTS_ONLY_LOAD``.

    Returns:
        bool: Whether any loader was replaced (False when already done).
    """
    changed = False
    for prefix, loader in list(CheckpointLoader._schemes.items()):
        if getattr(loader, '_lfcc_weights_only', False):
            continue
        if prefix == '':
            new = _load_local_weights_only
            new.__name__ = loader.__name__  # mmengine logs 'by local backend'
            new._lfcc_weights_only = True  # type: ignore[attr-defined]
        else:
            new = _weights_only_loader(loader)
        CheckpointLoader.register_scheme(prefix, new, force=True)
        changed = True
    return changed


def load_checkpoint_file(filename: str, map_location: Any = 'cpu') -> Any:
    """Read a checkpoint safely: local path, URL or any mmengine scheme.

    Args:
        filename (str): e.g. ``work_dirs/x/iter_100.pth`` or an
            ``https://download.openmmlab.com/...`` URL.
        map_location (Any): As in :func:`torch.load`. Defaults to ``'cpu'``.

    Returns:
        Any: The checkpoint, usually a dict.

    Raises:
        FileNotFoundError: A local path that does not exist.
        UnsafeCheckpointError: The file holds objects outside torch's
            weights-only allow-list (which may mean code).
    """
    install_weights_only_loaders()  # no-op after ``import lfcc_mm``
    return CheckpointLoader.load_checkpoint(
        filename, map_location=map_location, logger='current')


def state_dict_of(checkpoint: Any, source: str) -> 'OrderedDict[str, Any]':
    """The weights of a loaded checkpoint, with their ``_metadata``.

    Args:
        checkpoint (Any): A Runner checkpoint (``state_dict`` key) or a
            bare state dict.
        source (str): How to name the file in errors, e.g.
            ``"teacher_ckpt 'x.pth'"``.

    Returns:
        OrderedDict[str, Tensor]: Keys as saved; a DDP ``module.`` prefix on
        every key is removed (as mmengine's ``load_checkpoint`` does).

    Raises:
        CheckpointError: The checkpoint holds no state dict.
    """
    state = checkpoint
    if isinstance(checkpoint, Mapping) and 'state_dict' in checkpoint:
        state = checkpoint['state_dict']
    if not isinstance(state, Mapping) or not any(
            isinstance(v, torch.Tensor) for v in state.values()):
        raise CheckpointError(
            f'{source} holds no state dict (a mapping of names to tensors, '
            'alone or under "state_dict").')
    if all(k.startswith('module.') for k in state):
        return strip_prefix(state, 'module.')
    return _with_metadata(OrderedDict(state), getattr(state, '_metadata',
                                                      None))


def _with_metadata(state: 'OrderedDict[str, Any]',
                   metadata: Optional[Mapping[str, Any]]
                   ) -> 'OrderedDict[str, Any]':
    if metadata is not None:
        state._metadata = OrderedDict(metadata)  # type: ignore[attr-defined]
    return state


def strip_prefix(state: Mapping[str, Any],
                 prefix: str) -> 'OrderedDict[str, Any]':
    """Keep the keys under ``prefix``, without it; ``_metadata`` follows.

    The module versions in ``_metadata`` are what upgrade hooks such as
    mmpretrain's ``SwinTransformer._load_from_state_dict`` read, so they are
    renamed with the keys (``'architecture.backbone'`` -> ``'backbone'``).

    Args:
        state (Mapping[str, Tensor]): A state dict.
        prefix (str): e.g. ``'architecture.'`` (with the trailing dot).

    Returns:
        OrderedDict[str, Tensor]: The sub-module's state dict, in order.
    """
    out = OrderedDict((k[len(prefix):], v) for k, v in state.items()
                      if k.startswith(prefix))
    metadata = getattr(state, '_metadata', None)
    if metadata is not None:
        root = prefix[:-1]
        metadata = OrderedDict(
            ('' if k == root else k[len(prefix):], v)
            for k, v in metadata.items()
            if k == root or k.startswith(prefix))
    return _with_metadata(out, metadata)


def is_distillation_state_dict(state: Mapping[str, Any]) -> bool:
    """Whether ``state`` is a distillation algorithm's (``architecture.*``).

    Args:
        state (Mapping[str, Tensor]): A state dict.

    Returns:
        bool: True when some key starts with ``architecture.``.
    """
    return any(k.startswith(STUDENT_PREFIX) for k in state)


def student_state_dict(
        state: Mapping[str, Any],
        prefix: str = STUDENT_PREFIX) -> 'OrderedDict[str, Any]':
    """The student's weights of a distillation state dict, without prefix.

    Everything else (``teacher.``, ``distiller.`` with its connectors, the
    algorithm's ``data_preprocessor.``) is dropped.

    Args:
        state (Mapping[str, Tensor]): The algorithm's state dict
            (``checkpoint['state_dict']``).
        prefix (str): The student's prefix. Defaults to ``'architecture.'``.

    Returns:
        OrderedDict[str, Tensor]: Keys as in the plain student model,
        e.g. ``backbone.layers.0.ln1.weight``, in the original order.

    Raises:
        CheckpointError: No key starts with ``prefix``.
    """
    student = strip_prefix(state, prefix)
    if not student:
        some = ', '.join(list(state)[:5])
        raise CheckpointError(
            f'no key starts with {prefix!r}, so this is not a distillation '
            f'checkpoint (first keys: {some or "none"}).')
    return student


def dropped_key_groups(state: Mapping[str, Any],
                       prefix: str = STUDENT_PREFIX) -> Dict[str, int]:
    """Count the keys outside ``prefix`` per top-level name.

    Args:
        state (Mapping[str, Tensor]): The algorithm's state dict.
        prefix (str): The kept prefix. Defaults to ``'architecture.'``.

    Returns:
        dict[str, int]: e.g. ``{'distiller': 8}``.
    """
    counts: Dict[str, int] = {}
    for key in state:
        if not key.startswith(prefix):
            group = key.split('.', 1)[0]
            counts[group] = counts.get(group, 0) + 1
    return counts


# ----------------------------------------------------------------- matching
def _few(keys: List[str], limit: int = 8) -> str:
    return ', '.join(keys[:limit]) + (' ...' if len(keys) > limit else '')


def load_weights(module: nn.Module,
                 state: Mapping[str, Any],
                 source: str,
                 error: Type[CheckpointMismatchError] = (
                     CheckpointMismatchError),
                 hint: str = '') -> None:
    """Load ``state`` into ``module`` strictly, after its upgrade hooks.

    The recursion is mmengine's ``load_state_dict`` (each module's
    ``_load_from_state_dict`` sees its ``_metadata`` version and may rename
    or drop old keys; post hooks run), but every mismatch is collected and
    raised on every rank, so a checkpoint in an older layout that the
    model's hooks upgrade loads, and a wrong one never loads silently.

    Args:
        module (nn.Module): The receiving model (a wrapper is unwrapped).
        state (Mapping[str, Tensor]): Its state dict, ``_metadata`` kept.
        source (str): How to name the checkpoint in the error.
        error (type): The :class:`CheckpointMismatchError` subclass to
            raise. Defaults to :class:`CheckpointMismatchError`.
        hint (str): A sentence appended to the error: what to check.

    Raises:
        CheckpointMismatchError: Listing the missing, unexpected and
            mis-shaped keys (up to 8 of each).
    """
    if is_model_wrapper(module):
        module = module.module
    metadata = getattr(state, '_metadata', None)
    state = OrderedDict(state)
    missing: List[str] = []
    unexpected: List[str] = []
    errors: List[str] = []

    def load(mod: nn.Module, local: Dict[str, Any], prefix: str) -> None:
        local_metadata = {} if metadata is None else metadata.get(
            prefix[:-1], {})
        mod._load_from_state_dict(local, prefix, local_metadata, True,
                                  missing, unexpected, errors)
        for name, child in mod._modules.items():
            if child is not None:
                child_prefix = f'{prefix}{name}.'
                load(child, {k: v for k, v in local.items()
                             if k.startswith(child_prefix)}, child_prefix)
        incompatible = nn.modules.module._IncompatibleKeys(missing, unexpected)
        for hook in mod._load_state_dict_post_hooks.values():
            hook(mod, incompatible)

    load(module, state, '')
    bad_shapes = sorted({m.group(1) for e in errors
                         for m in [_SIZE_MISMATCH.search(e)] if m})
    others = [e for e in errors if not _SIZE_MISMATCH.search(e)]
    if missing or unexpected or errors:
        missing, unexpected = sorted(set(missing)), sorted(set(unexpected))
        message = (
            f'{source} does not match the model: {len(missing)} missing keys '
            f'[{_few(missing)}], {len(unexpected)} unexpected keys '
            f'[{_few(unexpected)}], {len(bad_shapes)} shape mismatches '
            f'[{_few(bad_shapes)}]')
        if others:
            message += f', other errors: {" | ".join(others[:3])}'
        raise error(f'{message}. {hint}'.strip(), missing, unexpected,
                    bad_shapes)


def load_weights_from(module: nn.Module,
                      filename: str,
                      what: str = 'checkpoint',
                      student_of_distillation: bool = False,
                      error: Type[CheckpointMismatchError] = (
                          CheckpointMismatchError),
                      hint: str = 'Pass a checkpoint written by this config '
                      '(or the config the checkpoint was trained with).'
                      ) -> Any:
    """Read ``filename`` safely and load its weights into ``module`` strictly.

    Args:
        module (nn.Module): The receiving model (a wrapper is unwrapped).
        filename (str): A Runner checkpoint or a bare state dict; local path,
            URL or any mmengine scheme.
        what (str): How to name the file in errors, e.g. ``'teacher_ckpt'``.
        student_of_distillation (bool): Whether a distillation checkpoint
            (``architecture.*`` keys) gives its student's weights, as when
            a distilled student serves as a teacher. Defaults to False.
        error (type): The :class:`CheckpointMismatchError` subclass to raise.
        hint (str): What to check, appended to the mismatch error.

    Returns:
        Any: The loaded checkpoint.

    Raises:
        FileNotFoundError: A local path that does not exist.
        UnsafeCheckpointError: The file was refused by the safe loader.
        CheckpointMismatchError: Its weights do not fit ``module``.
    """
    checkpoint = load_checkpoint_file(filename)
    source = f'{what} {filename!r}'
    state = state_dict_of(checkpoint, source)
    if student_of_distillation and is_distillation_state_dict(state):
        state = student_state_dict(state)
    load_weights(module, state, source, error=error, hint=hint)
    return checkpoint


# ----------------------------------------------------------------- writing
def save_atomic(obj: Any, filename: str) -> str:
    """``torch.save`` that never leaves a torn ``filename`` behind.

    The file is written next to ``filename`` under a temporary name, synced,
    and renamed over ``filename`` with :func:`os.replace` only once
    complete; on any failure the temporary file is removed and an existing
    ``filename`` is untouched (:func:`lfcc_mm.fileio.torch_save_atomic`). Move tensors to the CPU first (mmengine's
    ``weights_to_cpu``) where they may live on a GPU.

    Args:
        obj (Any): What to save, e.g. ``dict(state_dict=..., meta=...)``.
        filename (str): The destination path (its folder is created).

    Returns:
        str: ``filename``.
    """
    return torch_save_atomic(obj, filename)
