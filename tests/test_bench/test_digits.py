"""DigitsDataset and FolderSubsetDataset: shapes, labels, split, capping."""
from __future__ import annotations

import numpy as np
import pytest

import lfcc_mm  # noqa: F401
from lfcc_mm.datasets import DigitsDataset, FolderSubsetDataset
from lfcc_mm.datasets.digits import stratified_split

from .conftest import CLASSES, make_image_folder


def test_digits_shapes_and_labels():
    train = DigitsDataset(split='train')
    test = DigitsDataset(split='test')
    assert (len(train), len(test)) == (1437, 360)
    sample = train.get_data_info(0)
    assert sample['img'].shape == (32, 32, 3)
    assert sample['img'].dtype == np.uint8
    # grey digits repeated over RGB, full 0..255 range used
    assert (sample['img'][..., 0] == sample['img'][..., 2]).all()
    imgs = np.stack([train.get_data_info(i)['img'] for i in range(50)])
    assert imgs.max() > 200 and imgs.min() == 0
    labels = [test.get_data_info(i)['gt_label'] for i in range(len(test))]
    assert sorted(set(labels)) == list(range(10))
    assert train.metainfo['classes'] == tuple(str(i) for i in range(10))
    assert test.test_mode and not train.test_mode


def test_digits_pipeline_packs_chw_tensor():
    ds = DigitsDataset(split='test', size=16,
                       pipeline=[dict(type='mmpretrain.PackInputs')])
    out = ds[0]
    assert tuple(out['inputs'].shape) == (3, 16, 16)
    assert int(out['data_samples'].gt_label) == ds.get_data_info(0)['gt_label']


def test_digits_split_deterministic_disjoint_stratified():
    labels = np.repeat(np.arange(10), 20)
    a = stratified_split(labels, 0.2, seed=0)
    b = stratified_split(labels, 0.2, seed=0)
    c = stratified_split(labels, 0.2, seed=1)
    np.testing.assert_array_equal(a['test'], b['test'])
    assert not np.array_equal(a['test'], c['test'])
    assert not set(a['train']) & set(a['test'])
    assert len(a['train']) + len(a['test']) == 200
    assert np.bincount(labels[a['test']]).tolist() == [4] * 10
    first = [DigitsDataset(split='test', split_seed=3).get_data_info(i)['img']
             for i in range(5)]
    again = [DigitsDataset(split='test', split_seed=3).get_data_info(i)['img']
             for i in range(5)]
    assert all((x == y).all() for x, y in zip(first, again))


@pytest.mark.parametrize('kwargs, match', [
    (dict(split='val'), 'split must be one of'),
    (dict(size=0), 'size must be a positive int'),
    (dict(test_fraction=1.0), r'test_fraction must be in \(0, 1\)'),
])
def test_digits_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        DigitsDataset(**kwargs)


def test_folder_subset_keeps_first_n_per_class(tmp_path):
    files = make_image_folder(str(tmp_path), per_class=5)
    ds = FolderSubsetDataset(data_root=str(tmp_path), max_per_class=2)
    assert len(ds) == 2 * len(CLASSES)
    infos = [ds.get_data_info(i) for i in range(len(ds))]
    for c, cls in enumerate(CLASSES):
        kept = sorted(i['img_path'].rsplit('/', 1)[-1] for i in infos
                      if i['gt_label'] == c)
        assert kept == files[cls][:2]
    assert len(FolderSubsetDataset(data_root=str(tmp_path))) == 15
    with pytest.raises(ValueError, match='max_per_class must be a positive'):
        FolderSubsetDataset(data_root=str(tmp_path), max_per_class=0)
