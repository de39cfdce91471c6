"""Checks of a built Runner before its first training step.

:func:`lfcc_mm.cli.runner.run` calls :func:`check_before_training` after
the Runner is built and before ``runner.train()``. It builds the training
(and validation) loop the way ``Runner.train`` would first do anyway, then
refuses, each as one :class:`~lfcc_mm.errors.UserError` line:

- a ``--resume``/``load_from`` checkpoint that does not fit the model
  (missing, unexpected or mis-shaped keys; a frozen teacher re-loaded from
  ``teacher_ckpt`` may be absent), unless the user asked for a non-strict
  load (``tools/train.py --load-non-strict``);
- a training set smaller than one batch with ``drop_last`` (nothing would
  be trained);
- class mismatches: train and val sets with other class lists, more
  classes than a head has outputs, a class folder without images, a
  ``teacher_ckpt`` that records other class names
  (``meta.dataset_meta.classes``).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

from mmengine.model import is_model_wrapper
from torch import nn

from lfcc_mm.checkpoint import load_checkpoint_file, load_weights_from
from lfcc_mm.errors import UserError

#: The flag that turns the strict ``--resume``/``load_from`` check off.
NON_STRICT_FLAG = '--load-non-strict'


def _few(names: Sequence[Any], limit: int = 6) -> str:
    names = [str(n) for n in names]
    return ', '.join(names[:limit]) + (' ...' if len(names) > limit else '')


def check_load_from(runner: Any, filename: str, resume: bool) -> None:
    """Refuse a ``--resume``/``load_from`` checkpoint that does not fit.

    mmengine loads both non-strictly: missing weights keep their fresh
    initialisation and another model's checkpoint trains from scratch, all
    with exit code 0. The weights are loaded here strictly (the Runner loads
    them again, with the optimizer state for a resume).

    Args:
        runner (Runner): The built Runner.
        filename (str): The checkpoint.
        resume (bool): Whether it is a ``--resume`` (for the message).

    Raises:
        UserError: Listing the missing, unexpected and mis-shaped keys.
    """
    what = '--resume checkpoint' if resume else 'load_from'
    load_weights_from(
        runner.model, filename, what,
        hint=f'Pass a checkpoint of this config, or add {NON_STRICT_FLAG} '
        f'to load only the keys that fit (the others keep their '
        f'initialisation).')


def check_batches(loader: Any, key: str = 'train_dataloader') -> None:
    """Refuse a finite loader that ``drop_last`` leaves without a batch.

    Args:
        loader (DataLoader): The built loader.
        key (str): Its config key, for the message.

    Raises:
        UserError: The dataset is smaller than one batch and ``drop_last``
            is set (an ``InfiniteSampler`` fills batches anyway: allowed).
    """
    from mmengine.dataset import InfiniteSampler
    batch_sampler = getattr(loader, 'batch_sampler', None)
    if batch_sampler is None or not getattr(batch_sampler, 'drop_last',
                                            False):
        return
    if isinstance(getattr(batch_sampler, 'sampler', None), InfiniteSampler):
        return
    size, batch = len(loader.dataset), batch_sampler.batch_size
    if len(loader) == 0:
        raise UserError(
            f'{key}: the dataset has {size} samples, fewer than one batch '
            f'(batch_size={batch}) per process, and drop_last=True drops '
            f'them all, so nothing would be trained; lower {key}.batch_size, '
            f'set {key}.drop_last=False, or add data')


def _classes(dataset: Any) -> Optional[List[str]]:
    """The class names of a built dataset, or None when it has none."""
    meta = getattr(dataset, 'metainfo', None)
    classes = meta.get('classes') if isinstance(meta, dict) else None
    return list(classes) if classes else None


def _unwrap(model: nn.Module) -> nn.Module:
    return model.module if is_model_wrapper(model) else model


def head_classes(model: nn.Module) -> Dict[str, int]:
    """The ``num_classes`` of every classification head of ``model``.

    Args:
        model (nn.Module): A classifier or a distillation algorithm.

    Returns:
        dict[str, int]: ``{'architecture.head': 10, 'teacher.head': 10}``
        (module names; ``'head'`` for a plain classifier).
    """
    found = {}
    for name, module in _unwrap(model).named_modules():
        count = getattr(module, 'num_classes', None)
        if name.split('.')[-1] == 'head' and isinstance(count, int):
            found[name] = count
    return found


def _empty_class_folders(dataset: Any, classes: List[str]) -> List[str]:
    """Classes of a folder-layout ``CustomDataset`` without any image."""
    if type(dataset).__name__ != 'CustomDataset' or getattr(
            dataset, 'ann_file', '') or not hasattr(dataset, 'get_gt_labels'):
        return []
    seen = set(int(label) for label in dataset.get_gt_labels())
    return [name for i, name in enumerate(classes) if i not in seen]


def check_classes(runner: Any, train_set: Any,
                  val_set: Optional[Any]) -> None:
    """Refuse datasets whose classes do not fit each other or the model.

    Args:
        runner (Runner): The built Runner.
        train_set (Dataset): The built training set.
        val_set (Dataset, optional): The built validation set.

    Raises:
        UserError: Train/val class lists that differ, more classes than a
            head's ``num_classes``, a class folder without images, or a
            ``teacher_ckpt`` recording other class names.
    """
    train = _classes(train_set)
    if train is None:
        return
    val = _classes(val_set) if val_set is not None else None
    if val is not None and val != train:
        only_train = [c for c in train if c not in val]
        only_val = [c for c in val if c not in train]
        detail = (f'only in train: [{_few(only_train)}], only in val: '
                  f'[{_few(only_val)}]' if only_train or only_val else
                  'the same names in another order')
        raise UserError(
            f'train_dataloader.dataset has {len(train)} classes and '
            f'val_dataloader.dataset {len(val)}, which differ ({detail}), '
            f'so labels would mean other classes in validation; give both '
            f'the same class folders (or the same classes=...)')
    for name, count in head_classes(runner.model).items():
        if len(train) > count:
            raise UserError(
                f'train_dataloader.dataset has {len(train)} classes '
                f'[{_few(train)}] but the model\'s {name} has num_classes='
                f'{count}; set num_classes={len(train)} in the config (or '
                f'train on {count} class folders)')
    empty = _empty_class_folders(train_set, train)
    if empty:
        raise UserError(
            f'train_dataloader.dataset: the class folders [{_few(empty)}] '
            f'hold no image (of {len(train)} classes), so their labels would '
            f'never be trained; add images or remove the folders')
    teacher_ckpt = getattr(_unwrap(runner.model), 'teacher_ckpt', None)
    if teacher_ckpt:
        ckpt = load_checkpoint_file(teacher_ckpt)
        meta = ckpt.get('meta') if isinstance(ckpt, dict) else None
        dataset_meta = (meta or {}).get('dataset_meta') or {}
        recorded = dataset_meta.get('classes')
        if recorded and list(recorded) != train:
            raise UserError(
                f'teacher_ckpt {teacher_ckpt!r} was trained on the classes '
                f'[{_few(recorded)}] ({len(recorded)}), the training set has '
                f'[{_few(train)}] ({len(train)}), so the teacher\'s outputs '
                f'would mean other classes; use a teacher trained on these '
                f'classes (in this order)')


def check_before_training(runner: Any, cfg: Any, strict: bool = True) -> None:
    """All checks of this module, before ``runner.train()``.

    Args:
        runner (Runner): Built, not trained yet.
        cfg (mmengine.Config): Its config (``load_from``, ``resume``).
        strict (bool): Whether ``load_from`` must fit. Defaults to True.

    Raises:
        UserError: The first problem found.
    """
    runner._train_loop = runner.build_train_loop(runner._train_loop)
    loader = runner._train_loop.dataloader
    check_batches(loader)
    val_set = None
    if runner._val_loop is not None:
        runner._val_loop = runner.build_val_loop(runner._val_loop)
        val_set = runner._val_loop.dataloader.dataset
    check_classes(runner, loader.dataset, val_set)
    if strict and cfg.get('load_from'):
        check_load_from(runner, cfg.load_from, bool(cfg.get('resume')))
