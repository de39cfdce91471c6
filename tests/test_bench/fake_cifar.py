"""Fake CIFAR-10 / CIFAR-100 in the real pickle layout, for offline tests.

:func:`write_fake_cifar` writes a few images per class in the files and
formats mmpretrain's ``CIFAR10`` / ``CIFAR100`` read
(``cifar-10-batches-py/data_batch_1..5, test_batch, batches.meta``;
``cifar-100-python/train, test, meta``). Importing this module (e.g. through
``custom_imports`` in a run's config) switches off the datasets' MD5 checks,
which only the real files pass; nothing else changes.
"""
from __future__ import annotations

import os
import os.path as osp
import pickle

import numpy as np
from mmpretrain.datasets import CIFAR10, CIFAR100

for _cls in (CIFAR10, CIFAR100):
    _cls.train_list = [[name, None] for name, _ in _cls.train_list]
    _cls.test_list = [[name, None] for name, _ in _cls.test_list]
    _cls.meta = dict(_cls.meta, md5=None)


def _batch(rng: np.random.Generator, num_classes: int, per_class: int,
           label_key: str) -> dict:
    """Class-tinted noise images, rows of 3x32x32 uint8 (CIFAR's layout)."""
    labels = np.repeat(np.arange(num_classes), per_class)
    images = rng.integers(0, 128, (len(labels), 3, 32, 32), dtype=np.uint8)
    for i, label in enumerate(labels):
        images[i, label % 3] += 120
    return {'data': images.reshape(len(labels), -1),
            label_key: labels.tolist()}


def _dump(obj: dict, path: str) -> None:
    with open(path, 'wb') as f:
        pickle.dump(obj, f)


def write_fake_cifar(root: str, kind: str = 'cifar10', per_class: int = 2,
                     seed: int = 0) -> str:
    """Write a fake ``kind`` dataset under ``root``.

    Args:
        root (str): The dataset's ``data_root``.
        kind (str): ``'cifar10'`` (5 training batches of ``per_class``
            images per class, one test batch) or ``'cifar100'``.
        per_class (int): Images per class per file. Defaults to 2.
        seed (int): Seed of the pixels. Defaults to 0.

    Returns:
        str: ``root``.
    """
    rng = np.random.default_rng(seed)
    if kind == 'cifar10':
        folder = osp.join(root, CIFAR10.base_folder)
        os.makedirs(folder, exist_ok=True)
        for name, _ in CIFAR10.train_list:
            _dump(_batch(rng, 10, per_class, 'labels'),
                  osp.join(folder, name))
        _dump(_batch(rng, 10, per_class, 'labels'),
              osp.join(folder, CIFAR10.test_list[0][0]))
        _dump({'label_names': list(CIFAR10.METAINFO['classes'])},
              osp.join(folder, CIFAR10.meta['filename']))
    elif kind == 'cifar100':
        folder = osp.join(root, CIFAR100.base_folder)
        os.makedirs(folder, exist_ok=True)
        _dump(_batch(rng, 100, per_class, 'fine_labels'),
              osp.join(folder, CIFAR100.train_list[0][0]))
        _dump(_batch(rng, 100, per_class, 'fine_labels'),
              osp.join(folder, CIFAR100.test_list[0][0]))
        _dump({'fine_label_names': list(CIFAR100.METAINFO['classes'])},
              osp.join(folder, CIFAR100.meta['filename']))
    else:
        raise ValueError(f'kind must be cifar10 or cifar100, got {kind!r}')
    return root
