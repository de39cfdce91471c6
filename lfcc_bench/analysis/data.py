"""The images an analysis runs on: a class-folder tree, test pipeline."""
from __future__ import annotations

import copy
from typing import Dict, List

import numpy as np
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmpretrain.registry import DATASETS
from torch.utils.data import DataLoader


def evaluation_pipeline(cfg: Config) -> List[Dict]:
    """The evaluation pipeline of a training config.

    Taken from ``test_dataloader.dataset.pipeline``, else
    ``val_dataloader.dataset.pipeline``. A ``LoadImageFromFile`` step is
    prepended when the pipeline loads no image itself (in-memory datasets).

    Args:
        cfg (Config): The full config.

    Returns:
        list[dict]: Transform configs.
    """
    for key in ('test_dataloader', 'val_dataloader'):
        pipeline = ((cfg.get(key) or {}).get('dataset') or {}).get('pipeline')
        if pipeline:
            break
    else:
        raise KeyError(
            'The config has neither test_dataloader.dataset.pipeline nor '
            'val_dataloader.dataset.pipeline; add one (e.g. resize, center '
            'crop, PackInputs) so the analysis sees training-like inputs.')
    pipeline = copy.deepcopy(list(pipeline))
    if not any('LoadImage' in str(t.get('type', '')) for t in pipeline):
        pipeline.insert(0, dict(type='LoadImageFromFile'))
    return pipeline


def build_image_folder_loader(cfg: Config,
                              root: str,
                              num_images: int,
                              batch_size: int,
                              num_workers: int = 0) -> DataLoader:
    """A deterministic loader over an evenly spread subset of an image folder.

    Args:
        cfg (Config): The config whose evaluation pipeline is used.
        root (str): Folder of class subfolders, ``root/<class>/<image>``
            (mmpretrain ``CustomDataset`` with ``data_root=root``).
        num_images (int): How many images; ``num_images`` indices evenly
            spaced over the (class-sorted) dataset, so every class is seen.
            All images when the folder has fewer.
        batch_size (int): Images per batch.
        num_workers (int): DataLoader workers. Defaults to 0.

    Returns:
        DataLoader: Unshuffled; yields mmengine ``pseudo_collate`` batches
        (``dict(inputs=[...], data_samples=[...])``).
    """
    if num_images < 2:
        raise ValueError(f'--num-images must be >= 2 (CKA compares samples), '
                         f'got {num_images}')
    dataset = DATASETS.build(
        dict(type='CustomDataset', _scope_='mmpretrain', data_root=root,
             pipeline=evaluation_pipeline(cfg)))
    if len(dataset) > num_images:
        indices = np.linspace(0, len(dataset) - 1, num_images)
        dataset.get_subset_(sorted(set(indices.round().astype(int).tolist())))
    return DataLoader(dataset, batch_size=batch_size, shuffle=False,
                      num_workers=num_workers, collate_fn=pseudo_collate)
