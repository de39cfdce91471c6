"""Dataset descriptions: what the engine needs to build the loaders."""
from __future__ import annotations

from dataclasses import dataclass
import os.path as osp
from typing import List, Optional, Tuple

# Per-channel statistics of CIFAR-10 (RGB, 0..255), as in mmpretrain's
# cifar10 configs; used for any folder of natural 32x32 images.
CIFAR_MEAN = [125.307, 122.961, 113.8575]
CIFAR_STD = [51.5865, 50.847, 51.255]
# Statistics of the upsampled digits (grey, repeated over RGB).
DIGITS_MEAN = [77.8] * 3
DIGITS_STD = [82.5] * 3


@dataclass(frozen=True)
class DataSpec:
    """Train and test datasets plus their normalisation.

    Args:
        name (str): Short name, recorded in results.
        num_classes (int): Number of classes.
        train (dict): mmpretrain dataset config with its pipeline.
        test (dict): mmpretrain dataset config with its pipeline.
        mean (list[float]): Per-channel mean (RGB, 0..255).
        std (list[float]): Per-channel std (RGB, 0..255).
        bgr_to_rgb (bool): Whether loaded images are BGR (files read by
            OpenCV) and must be flipped.
        batch_size (int): Per-process batch size. Defaults to 64.
        num_workers (int): Data-loader workers. Defaults to 0.
        classes (tuple[str], optional): Class names in label order, part of
            every result's settings. Defaults to None.
    """

    name: str
    num_classes: int
    train: dict
    test: dict
    mean: List[float]
    std: List[float]
    bgr_to_rgb: bool
    batch_size: int = 64
    num_workers: int = 0
    classes: Optional[Tuple[str, ...]] = None


def digits_data(split_seed: int = 0, batch_size: int = 64,
                train_subset: Optional[int] = None) -> DataSpec:
    """scikit-learn's digits, 32x32 RGB, stratified 80/20 split.

    Training augmentation: random 32x32 crop of the 2-pixel padded image (no
    flips: digits are not mirror-symmetric).

    Args:
        split_seed (int): Seed of the train/test split. Defaults to 0.
        batch_size (int): Batch size. Defaults to 64.
        train_subset (int, optional): Keep only the first N training
            images (smoke tests). Defaults to all 1,437.

    Returns:
        DataSpec: The digits description.
    """
    common = dict(type='mmpretrain.DigitsDataset', size=32,
                  split_seed=split_seed)
    return DataSpec(
        name='digits', num_classes=10,
        train=dict(common, split='train', indices=train_subset, pipeline=[
            dict(type='mmpretrain.RandomCrop', crop_size=32, padding=2),
            dict(type='mmpretrain.PackInputs')]),
        test=dict(common, split='test',
                  pipeline=[dict(type='mmpretrain.PackInputs')]),
        mean=DIGITS_MEAN, std=DIGITS_STD, bgr_to_rgb=False,
        batch_size=batch_size, classes=tuple(str(i) for i in range(10)))


def folder_data(train_root: str, test_root: str,
                train_per_class: Optional[int] = None,
                test_per_class: Optional[int] = None,
                batch_size: int = 64, num_workers: int = 2) -> DataSpec:
    """A ``root/<class>/<image>`` dataset of 32x32 images (CIFAR-style).

    Training augmentation: random crop with 4-pixel padding and horizontal
    flip (the standard CIFAR recipe); testing uses the images as they are.
    Roots are made absolute, so results record which folders they came from.

    Args:
        train_root (str): Training folder.
        test_root (str): Test folder with the same class sub-folders.
        train_per_class (int, optional): Keep the first N training images
            of each class. Defaults to all.
        test_per_class (int, optional): Same for the test folder.
        batch_size (int): Batch size. Defaults to 64.
        num_workers (int): Data-loader workers. Defaults to 2.

    Returns:
        DataSpec: The folder description.

    Raises:
        UserError: If the two folders do not hold the same class folders.
    """
    from mmpretrain.datasets.custom import find_folders

    from lfcc_mm.utils.user_errors import UserError
    train_root, test_root = osp.abspath(train_root), osp.abspath(test_root)
    for flag, root in (('--train-root', train_root),
                       ('--test-root', test_root)):
        if not osp.isdir(root):
            raise UserError(f'{flag} {root} is not a folder')
    classes, _ = find_folders(train_root)
    test_classes, _ = find_folders(test_root)
    if list(classes) != list(test_classes):
        only_train = sorted(set(classes) - set(test_classes))
        only_test = sorted(set(test_classes) - set(classes))
        raise UserError(
            f'--train-root {train_root} and --test-root {test_root} must hold '
            f'the same class folders; only in train: {only_train}, only in '
            f'test: {only_test}')
    load = dict(type='mmpretrain.LoadImageFromFile')
    pack = dict(type='mmpretrain.PackInputs')
    return DataSpec(
        name='folder', num_classes=len(classes),
        train=dict(type='mmpretrain.FolderSubsetDataset', data_root=train_root,
                   max_per_class=train_per_class, pipeline=[
                       load,
                       dict(type='mmpretrain.RandomCrop', crop_size=32,
                            padding=4),
                       dict(type='mmpretrain.RandomFlip', prob=0.5,
                            direction='horizontal'),
                       pack]),
        test=dict(type='mmpretrain.FolderSubsetDataset', data_root=test_root,
                  max_per_class=test_per_class, test_mode=True,
                  pipeline=[load, pack]),
        mean=CIFAR_MEAN, std=CIFAR_STD, bgr_to_rgb=True,
        batch_size=batch_size, num_workers=num_workers,
        classes=tuple(classes))
