"""DigitsDataset: scikit-learn's real 8x8 handwritten digits as RGB images."""
from __future__ import annotations

from typing import Dict, List

import numpy as np
import torch
import torch.nn.functional as F
from mmpretrain.datasets import BaseDataset
from mmpretrain.registry import DATASETS

from lfcc_mm.errors import UserError

DIGITS_SPLITS = ('train', 'test')


def _sklearn(module: str):
    """Import ``sklearn.<module>``, or say in one line how to install it.

    scikit-learn is an optional dependency (the ``bench`` extra): only this
    dataset needs it.
    """
    import importlib
    try:
        return importlib.import_module(f'sklearn.{module}')
    except ImportError as err:
        if not (err.name or '').startswith('sklearn'):
            raise
        raise UserError(
            'DigitsDataset needs scikit-learn (the digits ship with it), '
            'which is not installed: pip install scikit-learn (or '
            "pip install -e '.[bench]'; scripts/env.sh installs it)") from err


def digits_images(size: int) -> tuple:
    """Load scikit-learn's digits and upsample them to RGB ``uint8`` images.

    The 1,797 images ship inside scikit-learn (no download). Their 0..16 grey
    levels are scaled to 0..255, bilinearly resized to ``size x size`` and
    repeated over three channels, so they go through the same pipelines and
    models as any RGB dataset.

    Args:
        size (int): Output side in pixels (8 keeps the original resolution).

    Returns:
        tuple: ``images`` of shape ``(1797, size, size, 3)`` (``uint8``) and
        ``labels`` of shape ``(1797,)`` (``int64``, 0..9).
    """
    digits = _sklearn('datasets').load_digits()
    x = torch.from_numpy(digits.images.astype(np.float32) / 16.0)
    x = x[:, None]                                           # (N, 1, 8, 8)
    if size != x.shape[-1]:
        x = F.interpolate(x, size=(size, size), mode='bilinear',
                          align_corners=False)
    x = (x.clamp(0, 1) * 255).round().to(torch.uint8)        # (N, 1, s, s)
    images = x.permute(0, 2, 3, 1).repeat(1, 1, 1, 3).numpy()  # (N, s, s, 3)
    return images, digits.target.astype(np.int64)


def stratified_split(labels: np.ndarray, test_fraction: float,
                     seed: int) -> Dict[str, np.ndarray]:
    """Split sample indices into stratified train/test parts.

    Args:
        labels (np.ndarray): ``(N,)`` class labels.
        test_fraction (float): Share of every class that goes to ``test``.
        seed (int): Seed of the shuffle; the same seed gives the same split.

    Returns:
        dict: ``{'train': indices, 'test': indices}``, each sorted.
    """
    train_test_split = _sklearn('model_selection').train_test_split
    train, test = train_test_split(
        np.arange(len(labels)), test_size=test_fraction, random_state=seed,
        stratify=labels)
    return dict(train=np.sort(train), test=np.sort(test))


@DATASETS.register_module()
class DigitsDataset(BaseDataset):
    """The scikit-learn ``digits`` images as an mmpretrain dataset.

    Every sample is ``dict(img=(size, size, 3) uint8 array, gt_label=int)``:
    the image is already in memory, so pipelines start after loading (e.g.
    ``[dict(type='RandomCrop', ...), dict(type='PackInputs')]``). The
    train/test split is stratified and fixed by ``split_seed``.

    Args:
        split (str): ``'train'`` or ``'test'``. Defaults to ``'train'``.
        size (int): Image side after upsampling. Defaults to 32.
        test_fraction (float): Share of each class held out for ``test``.
            Defaults to 0.2 (360 test, 1,437 train images).
        split_seed (int): Seed of the split. Defaults to 0.
        **kwargs: Other :class:`mmpretrain.datasets.BaseDataset` arguments
            (``pipeline``, ``indices``, ``test_mode``, ...).
    """

    METAINFO = {'classes': tuple(str(i) for i in range(10))}

    def __init__(self,
                 split: str = 'train',
                 size: int = 32,
                 test_fraction: float = 0.2,
                 split_seed: int = 0,
                 **kwargs) -> None:
        if split not in DIGITS_SPLITS:
            raise ValueError(f'split must be one of {DIGITS_SPLITS}, got '
                             f'{split!r}')
        if not isinstance(size, int) or size < 1:
            raise ValueError(f'size must be a positive int, got {size!r}')
        if not 0.0 < test_fraction < 1.0:
            raise ValueError(f'test_fraction must be in (0, 1), got '
                             f'{test_fraction}')
        self.split = split
        self.size = size
        self.test_fraction = test_fraction
        self.split_seed = split_seed
        kwargs.setdefault('test_mode', split == 'test')
        super().__init__(ann_file='', **kwargs)

    def load_data_list(self) -> List[dict]:
        """Build the in-memory samples of this split.

        Returns:
            list[dict]: ``dict(img=(size, size, 3) uint8, gt_label=int)``.
        """
        images, labels = digits_images(self.size)
        keep = stratified_split(labels, self.test_fraction,
                                self.split_seed)[self.split]
        return [dict(img=images[i], gt_label=int(labels[i])) for i in keep]
