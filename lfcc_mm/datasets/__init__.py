"""Datasets registered in ``mmpretrain.registry.DATASETS``.

- :class:`DigitsDataset`: scikit-learn's digits (ships with the package, no
  download), for the quickstart and tests.
- :class:`FolderSubsetDataset`: a ``root/<class>/<image>`` folder capped at N
  images per class, for the benchmark harness.
- :class:`PackCRDInputs`: ``PackInputs`` plus the sample indices of
  MMRazor's ``CRDLoss`` (transform).
"""
from .digits import DigitsDataset
from .folder_subset import FolderSubsetDataset, ImageSizeError
from .pack_crd_inputs import PackCRDInputs

__all__ = [
    'DigitsDataset', 'FolderSubsetDataset', 'ImageSizeError', 'PackCRDInputs'
]
