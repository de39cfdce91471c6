"""FolderSubsetDataset: an image of another size is one line naming it.

A 1x1 image among 32x32 ones used to be zero-padded into its batch without a
word (and a larger one surfaced as a connector layout error). With the
benchmark's folder pipelines, preparing it now raises
:class:`~lfcc_mm.datasets.ImageSizeError`, which names the file, also when
a DataLoader worker prepared it.
"""
from pathlib import Path

import numpy as np
import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope
from PIL import Image
from torch.utils.data import DataLoader

from lfcc_mm.datasets import FolderSubsetDataset, ImageSizeError
from lfcc_mm.cli import user_error_message

REPO = Path(__file__).resolve().parents[2]
FOLDER_DATA = (REPO / 'configs' / 'benchmark' / 'cifar10' / '_base_' /
               'datasets' / 'cifar10_folder.py')


def _folder(root: Path, odd: int) -> Path:
    """Two classes of 32x32 images; ``b/odd.png`` is ``odd`` x ``odd``."""
    rng = np.random.default_rng(0)
    for name in ('a', 'b'):
        (root / name).mkdir(parents=True)
        for i in range(3):
            Image.fromarray(rng.integers(0, 255, (32, 32, 3), np.uint8)).save(
                root / name / f'{i}.png')
    Image.fromarray(rng.integers(0, 255, (odd, odd, 3), np.uint8)).save(
        root / 'b' / 'odd.png')
    return root


def _dataset(root: Path, pipeline: str) -> FolderSubsetDataset:
    init_default_scope('mmpretrain')
    pipe = Config.fromfile(str(FOLDER_DATA))[pipeline]
    return FolderSubsetDataset(data_root=str(root), pipeline=pipe)


@pytest.mark.parametrize('odd,pipeline', [(1, 'test_pipeline'),
                                          (64, 'test_pipeline'),
                                          (1, 'train_pipeline')])
def test_odd_size_names_the_file(tmp_path, odd, pipeline):
    dataset = _dataset(_folder(tmp_path / 'data', odd), pipeline)
    odd_index = next(i for i in range(len(dataset))
                     if dataset.get_data_info(i)['img_path'].endswith(
                         'odd.png'))
    dataset[0]  # a 32x32 image: the reference
    with pytest.raises(ImageSizeError) as info:
        dataset[odd_index]
    message = user_error_message(info.value)
    assert 'odd.png' in message and '\n' not in message
    assert 'x32' in message


def test_same_sizes_pass_and_a_worker_error_is_one_line(tmp_path):
    root = _folder(tmp_path / 'data', 32)
    dataset = _dataset(root, 'test_pipeline')
    assert all(dataset[i]['inputs'].shape[-2:] == (32, 32)
               for i in range(len(dataset)))
    Image.fromarray(np.zeros((1, 1, 3), np.uint8)).save(root / 'a' / '9.png')
    loader = DataLoader(_dataset(root, 'test_pipeline'), batch_size=8,
                        num_workers=1, collate_fn=lambda batch: batch)
    with pytest.raises(ImageSizeError) as info:
        next(iter(loader))
    message = user_error_message(info.value)
    assert message.startswith('images of ') and '9.png' in message, message
    assert 'Traceback' not in message
