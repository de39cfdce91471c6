"""PackCRDInputs: mmpretrain's PackInputs plus the indices CRD needs.

MMRazor's ``CRDLoss`` reads ``sample_idx`` (a 0-d long tensor: the row of
its memory bank) and ``contrast_sample_idxs`` (the positive and negative
rows drawn by ``mmrazor.CRDDataset``) from every data sample. MMRazor ships
``PackCRDClsInputs`` for this, but it subclasses ``mmcls`` 1.0.0rc's
``PackClsInputs`` and is a placeholder when only mmpretrain is installed;
mmpretrain's own ``PackInputs`` keeps ``sample_idx`` as an ``int`` metainfo,
which ``CRDLoss`` rejects. This transform is that one conversion.
"""
from __future__ import annotations

from typing import Dict, Sequence

import numpy as np
import torch
from mmpretrain.datasets.transforms import PackInputs
from mmpretrain.registry import TRANSFORMS

_DEFAULT_META_KEYS = ('img_path', 'ori_shape', 'img_shape', 'scale_factor',
                      'flip', 'flip_direction')


@TRANSFORMS.register_module()
class PackCRDInputs(PackInputs):
    """:class:`PackInputs` that stores CRD's sample indices as tensors.

    ``sample_idx`` becomes a 0-d ``torch.long`` data field (so
    ``torch.stack`` over a batch gives ``(B,)``) and, when present,
    ``contrast_sample_idxs`` a ``(K + 1,)`` ``torch.long`` data field.

    Args:
        meta_keys (Sequence[str]): Metainfo keys; ``sample_idx`` is not
            allowed here (it is a data field). Defaults to mmpretrain's
            keys without ``sample_idx``.
        **kwargs: Other :class:`PackInputs` arguments.
    """

    def __init__(self, meta_keys: Sequence[str] = _DEFAULT_META_KEYS,
                 **kwargs) -> None:
        if 'sample_idx' in meta_keys:
            raise ValueError('PackCRDInputs: remove "sample_idx" from '
                             'meta_keys; it is packed as a tensor field.')
        super().__init__(meta_keys=meta_keys, **kwargs)

    def transform(self, results: Dict) -> Dict:
        """Pack like :class:`PackInputs`, then add the index tensors."""
        packed = super().transform(results)
        sample = packed['data_samples']
        if 'sample_idx' not in results:
            raise KeyError('PackCRDInputs: the dataset gave no "sample_idx"; '
                           'wrap it with mmrazor.CRDDataset (mmengine '
                           'datasets add the index in get_data_info).')
        sample.set_field(
            torch.tensor(int(results['sample_idx']), dtype=torch.long),
            'sample_idx')
        if 'contrast_sample_idxs' in results:
            sample.set_field(
                torch.as_tensor(np.asarray(results['contrast_sample_idxs']),
                                dtype=torch.long), 'contrast_sample_idxs')
        return packed
