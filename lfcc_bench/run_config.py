"""Load one benchmark config and inject what a driver decides per run.

The benchmark's runs are config files (``configs/benchmark/cifar10/``):
teachers in ``teachers/{teacher}_{dataset}.py``, students in
``{method}_{teacher}_{student}_{dataset}.py``. A driver (``kd_bench``) runs
them as they are, changing only what is not the method's: the data (which
dataset, where it lives, how many training images per class), the seed,
the teacher checkpoint, the work dir and, for smoke runs, the number of
epochs. :func:`load_bench_config` is that one step;
:func:`find_bench_configs` lists the grid from the file names.
"""
from __future__ import annotations

import copy
import os
import os.path as osp
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

import numpy as np
from mmengine.config import Config, ConfigDict

from lfcc_mm.errors import UserError

#: Dataset choices -> ``_base_/datasets`` file of the benchmark.
DATASET_BASES = {
    'folder': 'cifar10_folder.py',
    'cifar10': 'cifar10.py',
    'cifar100': 'cifar100.py',
}
#: Datasets whose images are one pickle under a single ``data_root``.
_PICKLE_TYPES = ('CIFAR10', 'CIFAR100')
#: Datasets whose training subset is a list of ``indices`` (no
#: ``max_per_class``): the CIFAR pickles and the in-memory digits.
_INDEXED_TYPES = _PICKLE_TYPES + ('DigitsDataset', )
_KEEP = object()  # "leave the config's value" (None is meaningful)


@dataclass(frozen=True)
class BenchConfig:
    """One config of the benchmark grid, parsed from its file name.

    Args:
        path (str): The config file.
        method (str): ``'teacher'`` for teacher configs, else the method.
        teacher (str): Teacher model name (the model itself for teachers).
        student (str, optional): Student model name; None for teachers.
        dataset (str): Dataset suffix of the name (``'cifar10'``).
    """

    path: str
    method: str
    teacher: str
    student: Optional[str]
    dataset: str


def find_bench_configs(bench_dir: str) -> List[BenchConfig]:
    """Every teacher and pair x method config under ``bench_dir``.

    Names are ``teachers/{model}_{dataset}.py`` and
    ``{method}_{teacher}_{student}_{dataset}.py`` (model names have no
    ``_``; method names may).

    Args:
        bench_dir (str): E.g. ``configs/benchmark/cifar10``.

    Returns:
        list[BenchConfig]: Teachers first, then pair configs, by path.
    """
    root = Path(bench_dir)
    if not root.is_dir():
        raise UserError(f'benchmark config dir {bench_dir!r} does not exist')
    found = []
    for path in sorted(root.glob('teachers/*.py')):
        model, dataset = path.stem.rsplit('_', 1)
        found.append(BenchConfig(str(path), 'teacher', model, None, dataset))
    for path in sorted(root.glob('*.py')):
        parts = path.stem.rsplit('_', 3)
        if len(parts) != 4:
            raise UserError(f'{path}: a benchmark config name is '
                            '{method}_{teacher}_{student}_{dataset}.py')
        method, teacher, student, dataset = parts
        found.append(BenchConfig(str(path), method, teacher, student, dataset))
    return found


def _bench_base_dir(config_path: str) -> str:
    """The ``_base_`` folder of the benchmark a config belongs to."""
    folder = osp.dirname(osp.abspath(config_path))
    for candidate in (folder, osp.dirname(folder)):
        if osp.isdir(osp.join(candidate, '_base_', 'datasets')):
            return osp.join(candidate, '_base_')
    raise UserError(f'{config_path}: no _base_/datasets next to it or one '
                    'level up; is it a configs/benchmark config?')


def innermost_dataset(dataset: ConfigDict) -> ConfigDict:
    """The real dataset inside dataset wrappers (e.g. ``CRDDataset``).

    Args:
        dataset (ConfigDict): A loader's ``dataset`` config.

    Returns:
        ConfigDict: The innermost dataset config (the same object).
    """
    while 'dataset' in dataset:
        dataset = dataset['dataset']
    return dataset


_innermost = innermost_dataset

#: Backbone type -> architecture family, for tables and results rows.
FAMILY = {
    'ResNet_CIFAR': 'CNN',
    'ResNet': 'CNN',
    'MobileNetV2': 'CNN',
    'ConvNeXt': 'CNN',
    'VisionTransformer': 'ViT',
    'DistilledVisionTransformer': 'ViT',
    'SwinTransformer': 'ViT',
    'MlpMixer': 'MLP-Mixer',
}


def family_of(model: Any) -> str:
    """The architecture family of a classifier config (``''`` if unknown).

    Args:
        model (dict): An ``ImageClassifier`` config.

    Returns:
        str: ``'CNN'``, ``'ViT'``, ``'MLP-Mixer'`` or ``''``.
    """
    backbone = model.get('backbone', {}) if isinstance(model, dict) else {}
    kind = str(backbone.get('type', '')).split('.')[-1]
    return FAMILY.get(kind, '')


def _set_innermost(loader: ConfigDict, new: ConfigDict) -> None:
    """Replace the real dataset of ``loader``, keeping wrappers and a
    wrapper's final packing transform (CRD's ``PackCRDInputs``)."""
    parent, dataset = loader, loader['dataset']
    while 'dataset' in dataset:
        parent, dataset = dataset, dataset['dataset']
    new = copy.deepcopy(new)
    last = dataset.get('pipeline', [{}])[-1]
    if parent is not loader and last.get('type') != 'PackInputs':
        new['pipeline'] = list(new['pipeline'][:-1]) + [last]
    parent['dataset'] = new


def set_num_classes(model: Any, num_classes: int) -> None:
    """Set every ``num_classes`` of a model config (heads, OFA branches).

    Args:
        model (Any): Model config, modified in place.
        num_classes (int): Number of classes.
    """
    if isinstance(model, dict):
        for key, value in model.items():
            if key == 'num_classes':
                model[key] = num_classes
            else:
                set_num_classes(value, num_classes)
    elif isinstance(model, (list, tuple)):
        for value in model:
            set_num_classes(value, num_classes)


def swap_dataset(cfg: Config, dataset: str) -> None:
    """Use the loaders and normalisation of ``_base_/datasets/<dataset>``.

    Batch size, workers and samplers stay the config's; dataset wrappers
    (CRD) stay around the new dataset; the model's ``num_classes`` follow
    the new preprocessor's.

    Args:
        cfg (Config): A benchmark config, modified in place.
        dataset (str): A key of :data:`DATASET_BASES`.
    """
    if dataset not in DATASET_BASES:
        raise UserError(f'dataset {dataset!r} is not one of '
                        f'{sorted(DATASET_BASES)}')
    base = Config.fromfile(
        osp.join(_bench_base_dir(cfg.filename), 'datasets',
                 DATASET_BASES[dataset]))
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        if key in cfg:
            _set_innermost(cfg[key], base[key]['dataset'])
    cfg.data_preprocessor = copy.deepcopy(base.data_preprocessor)
    set_num_classes(cfg.model, base.data_preprocessor.num_classes)


def class_folders(root: str) -> List[str]:
    """Sorted sub-folder names of ``root``: the labels of a folder dataset.

    Args:
        root (str): A ``root/<class>/<image>`` folder.

    Returns:
        list[str]: Class names in label order (empty when ``root`` is not
        a folder).
    """
    if not osp.isdir(root):
        return []
    return sorted(d for d in os.listdir(root)
                  if osp.isdir(osp.join(root, d)))


def match_folder_classes(cfg: Config) -> None:
    """Give the model one output per class folder of the training root.

    A folder dataset's labels are its sorted class sub-folders; a root with
    another number of classes than the config's ``num_classes`` sets every
    ``num_classes`` of the model (and the preprocessor's) to it. A root that
    does not exist yet is left to the dataset's own error.

    Args:
        cfg (Config): A benchmark config with a folder dataset, modified in
            place.
    """
    root = _innermost(cfg.train_dataloader.dataset).get('data_root')
    if not root or not osp.isdir(root):
        return
    count = len(class_folders(root))
    preprocessor = cfg.get('data_preprocessor') or {}
    if count and count != preprocessor.get('num_classes', count):
        set_num_classes(cfg.model, count)
        preprocessor['num_classes'] = count


def balanced_indices(labels: List[int], per_class: int) -> List[int]:
    """The first ``per_class`` indices of every label, in index order.

    Args:
        labels (list[int]): Label of every image.
        per_class (int): Images kept per class.

    Returns:
        list[int]: Sorted indices.
    """
    seen: Dict[int, int] = {}
    kept = []
    for idx, label in enumerate(labels):
        if seen.get(label, 0) < per_class:
            seen[label] = seen.get(label, 0) + 1
            kept.append(idx)
    return kept


def build_dataset(dataset: ConfigDict) -> Any:
    """Build a dataset config as the Runner would (mmpretrain scope), to
    read its labels / length (no serialisation: its ``gc.collect`` takes a
    second in a large process)."""
    from mmengine.registry import init_default_scope
    from mmpretrain.registry import DATASETS
    init_default_scope('mmpretrain')
    return DATASETS.build(dict(copy.deepcopy(dataset), serialize_data=False))


def set_train_per_class(cfg: Config, per_class: Optional[int]) -> None:
    """Keep the first ``per_class`` training images of each class.

    Folder datasets take it as ``max_per_class``; CIFAR and digits datasets
    as the explicit ``indices`` of the first ``per_class`` images of each
    class (read from the dataset's labels). ``None`` keeps every image.

    Args:
        cfg (Config): A benchmark config, modified in place.
        per_class (int, optional): Images per class, or None for all.
    """
    if per_class is not None and (not isinstance(per_class, int)
                                  or per_class < 1):
        raise UserError(f'train_per_class must be a positive int or None, '
                        f'got {per_class!r}')
    dataset = _innermost(cfg.train_dataloader.dataset)
    if dataset.type.split('.')[-1] in _INDEXED_TYPES:
        dataset.pop('max_per_class', None)
        dataset.pop('indices', None)
        if per_class is not None:
            labels = build_dataset(dataset).get_gt_labels()
            dataset.indices = balanced_indices(labels.tolist(), per_class)
    else:
        dataset.max_per_class = per_class


def set_epochs(cfg: Config, epochs: int) -> None:
    """Train ``epochs`` epochs with the benchmark's schedule shape.

    A 1-epoch linear warm-up (none for a single epoch) then a cosine to
    1 % of the peak learning rate, as ``_base_/schedules``; validation
    after the last epoch.

    Args:
        cfg (Config): A benchmark config, modified in place.
        epochs (int): Training epochs, >= 1.
    """
    if not isinstance(epochs, int) or epochs < 1:
        raise UserError(f'epochs must be an int >= 1, got {epochs!r}')
    lr = cfg.optim_wrapper.optimizer.lr
    warmup = min(1, epochs - 1)
    schedulers = [
        dict(type='CosineAnnealingLR', by_epoch=True, begin=warmup,
             end=epochs, T_max=epochs - warmup, eta_min=lr * 1e-2,
             convert_to_iter_based=True)
    ]
    if warmup:
        schedulers.insert(0, dict(
            type='LinearLR', start_factor=1e-2, by_epoch=True, begin=0,
            end=warmup, convert_to_iter_based=True))
    cfg.param_scheduler = schedulers
    cfg.train_cfg.max_epochs = epochs
    cfg.train_cfg.val_interval = epochs


def sync_crd_memory(cfg: Config) -> None:
    """Size every ``CRDLoss`` memory bank to the real training set.

    ``CRDLoss`` keeps one row per training image (``sample_n``); the
    default is the default student set's size. This builds the training
    set once to count it, and checks what ``mmrazor.CRDDataset`` needs:
    the same number of images in every class.

    Args:
        cfg (Config): A benchmark config, modified in place.
    """
    losses = cfg.model.get('distiller', {}).get('distill_losses', {})
    crd = [loss for loss in losses.values() if loss.type == 'CRDLoss']
    if not crd:
        return
    dataset = build_dataset(_innermost(cfg.train_dataloader.dataset))
    counts = np.bincount(np.asarray(dataset.get_gt_labels(), dtype=np.int64))
    if len(set(counts.tolist())) > 1:
        raise UserError(
            'CRD (mmrazor.CRDDataset) needs the same number of training '
            f'images in every class, got {counts.min()} to {counts.max()} '
            f'per class over {len(counts)} labels; set train_per_class.')
    for loss in crd:
        loss.sample_n = len(dataset)


def load_bench_config(config: str,
                      work_dir: str,
                      seed: int = 0,
                      teacher_ckpt: Optional[str] = None,
                      dataset: Optional[str] = None,
                      data_root: Optional[str] = None,
                      train_root: Optional[str] = None,
                      test_root: Optional[str] = None,
                      train_per_class: Union[int, None, object] = _KEEP,
                      epochs: Optional[int] = None,
                      cfg_options: Optional[Dict[str, Any]] = None) -> Config:
    """One benchmark config with a driver's per-run settings injected.

    Args:
        config (str): A config of ``configs/benchmark/<dataset>/``.
        work_dir (str): Where the run writes its logs and checkpoint.
        seed (int): ``randomness.seed``. Defaults to 0.
        teacher_ckpt (str, optional): The teacher weights of a distillation
            config (an error for a config without a teacher).
        dataset (str, optional): ``'folder'``, ``'cifar10'`` or
            ``'cifar100'``: swap in that ``_base_/datasets`` file (see
            :func:`swap_dataset`). Defaults to the config's own.
        data_root (str, optional): Root of a CIFAR dataset (both splits).
        train_root (str, optional): Training folder of a folder dataset.
        test_root (str, optional): Test folder of a folder dataset (val and
            test loaders).
        train_per_class (int | None): Training images per class (None: all).
            Defaults to the config's own (students 500, teachers all).
        epochs (int, optional): Training epochs (see :func:`set_epochs`).
            Defaults to the config's own.
        cfg_options (dict, optional): Merged like ``--cfg-options`` after
            the other settings (only ``train_per_class`` and the CRD memory
            size, which follow the data, come after it); modules of the
            merged ``custom_imports`` are imported here too, since the
            datasets may be built to count and label their images.

    Returns:
        mmengine.Config: Ready for ``Runner.from_cfg``.
    """
    if not osp.isfile(config):
        raise UserError(f'benchmark config {config!r} does not exist')
    cfg = Config.fromfile(config)
    train_ds = _innermost(cfg.train_dataloader.dataset)
    if train_per_class is _KEEP:
        train_per_class = train_ds.get('max_per_class')
        if 'indices' in train_ds:
            raise UserError(f'{config}: set train_per_class explicitly for '
                            'a config with dataset indices')
    if dataset is not None:
        swap_dataset(cfg, dataset)
    train_ds = _innermost(cfg.train_dataloader.dataset)
    pickled = train_ds.type.split('.')[-1] in _PICKLE_TYPES
    if pickled and (train_root or test_root):
        raise UserError('train_root / test_root are for folder datasets; '
                        f'{train_ds.type} takes data_root')
    if not pickled and data_root:
        raise UserError('data_root is for CIFAR datasets; a folder dataset '
                        'takes train_root and test_root')
    loaders = [cfg[k] for k in ('val_dataloader', 'test_dataloader')
               if k in cfg]
    for root, targets in ((data_root, [cfg.train_dataloader] + loaders),
                          (train_root, [cfg.train_dataloader]),
                          (test_root, loaders)):
        if root is not None:
            for loader in targets:
                _innermost(loader.dataset).data_root = root
    if not pickled:
        match_folder_classes(cfg)
    if epochs is not None:
        set_epochs(cfg, epochs)
    if teacher_ckpt is not None:
        if 'teacher' not in cfg.model:
            raise UserError(f'{config}: teacher_ckpt given but the config '
                            'has no teacher (scratch or teacher config)')
        cfg.model.teacher_ckpt = teacher_ckpt
    cfg.randomness.seed = seed
    cfg.work_dir = work_dir
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    if cfg.get('custom_imports'):
        # The datasets built here to count images and read labels may come
        # from a module the config imports (as the Runner would).
        from mmengine.utils import import_modules_from_strings
        import_modules_from_strings(**cfg.custom_imports)
    set_train_per_class(cfg, train_per_class)
    sync_crd_memory(cfg)
    return cfg
