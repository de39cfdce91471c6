"""Datasets registered in ``mmpretrain.registry.DATASETS``.

- :class:`DigitsDataset`: scikit-learn's digits (ships with the package, no
  download), for the quickstart and tests.
- :class:`FolderSubsetDataset`: a ``root/<class>/<image>`` folder capped at N
  images per class, for the benchmark harness.
"""
from .digits import DigitsDataset
from .folder_subset import FolderSubsetDataset

__all__ = ['DigitsDataset', 'FolderSubsetDataset']
