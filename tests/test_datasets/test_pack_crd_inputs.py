"""PackCRDInputs: the sample indices MMRazor's CRDLoss reads, as tensors."""
import numpy as np
import pytest
import torch
from mmrazor.models.losses import CRDLoss

from lfcc_mm.datasets import PackCRDInputs


def _results(idx, label=1):
    return dict(img=np.zeros((32, 32, 3), np.uint8), gt_label=label,
                sample_idx=idx, img_shape=(32, 32),
                contrast_sample_idxs=np.array([idx, 0, 7]))


def test_indices_are_long_tensors_not_metainfo():
    sample = PackCRDInputs().transform(_results(5))['data_samples']
    assert sample.sample_idx.dtype == torch.long
    assert sample.sample_idx.shape == () and int(sample.sample_idx) == 5
    assert sample.contrast_sample_idxs.tolist() == [5, 0, 7]
    assert 'sample_idx' not in sample.metainfo_keys()
    assert sample.img_shape == (32, 32)  # other metainfo still packed


def test_crd_loss_trains_on_a_packed_batch():
    """CRDLoss stacks the indices of a batch and updates those rows of its
    memory bank (an index of shape (B, 1) would fail in index_copy_)."""
    samples = [PackCRDInputs().transform(_results(i))['data_samples']
               for i in (5, 3)]
    torch.manual_seed(0)
    loss_fn = CRDLoss(neg_num=2, sample_n=8, dim_out=4)
    before = loss_fn.contrast.memory_v1.clone()
    feats = [torch.nn.functional.normalize(torch.randn(2, 4), dim=1)
             for _ in range(2)]
    loss = loss_fn(feats[0], feats[1], samples)
    assert torch.isfinite(loss).all()
    changed = (loss_fn.contrast.memory_v1 != before).any(1).nonzero()
    assert changed.flatten().tolist() == [3, 5]


def test_bad_use_is_reported():
    with pytest.raises(ValueError, match='remove "sample_idx" from'):
        PackCRDInputs(meta_keys=('sample_idx', ))
    results = _results(1)
    del results['sample_idx']
    with pytest.raises(KeyError, match='wrap it with mmrazor.CRDDataset'):
        PackCRDInputs().transform(results)
