"""A folder dataset names the class folder or image file that is wrong."""
import pytest
from mmengine.dataset import pseudo_collate
from torch.utils.data import DataLoader

import lfcc_mm  # noqa: F401 - registers FolderSubsetDataset
from lfcc_mm.datasets import FolderSubsetDataset
from lfcc_mm.cli import user_error_message
from lfcc_mm.errors import UnreadableImageError

from .conftest import write_tiny_images

PIPELINE = [dict(type='mmpretrain.LoadImageFromFile'),
            dict(type='mmpretrain.PackInputs')]


@pytest.mark.parametrize('empty', ['a_first', 'z_last'])
def test_empty_class_folder_is_named(tmp_path, empty):
    write_tiny_images(tmp_path, per_class=1)  # bright/, dark/
    (tmp_path / empty).mkdir()
    (tmp_path / empty / 'notes.txt').write_text('not an image')
    with pytest.raises(ValueError) as info:
        FolderSubsetDataset(data_root=str(tmp_path), pipeline=[])
    message = user_error_message(info.value)  # lfcc_mm's: a user error
    assert message == (
        f"ValueError: class folder '{tmp_path / empty}' holds no image "
        '(supported extensions: .bmp, .jpeg, .jpg, .pgm, .png, .ppm, .tif); '
        'add images or remove the folder, as every folder is a class')


def test_no_image_at_all(tmp_path):
    (tmp_path / 'cats').mkdir()
    with pytest.raises(ValueError, match=f"no image in the class folders of "
                       f"'{tmp_path}"):
        FolderSubsetDataset(data_root=str(tmp_path), pipeline=[])


@pytest.mark.parametrize('backend, reason', [
    ('cv2', 'the decoder found no image in it: corrupt, truncated or not an '
     'image'),
    ('pillow', 'UnidentifiedImageError: cannot identify image file')])
def test_corrupt_image_is_named(tmp_path, backend, reason):
    write_tiny_images(tmp_path, per_class=2)
    bad = tmp_path / 'dark' / '1.png'
    bad.write_bytes(bad.read_bytes()[:40])  # a torn copy
    pipeline = [dict(PIPELINE[0], imdecode_backend=backend), PIPELINE[1]]
    dataset = FolderSubsetDataset(data_root=str(tmp_path), pipeline=pipeline)
    assert dataset[2]['data_samples'].gt_label.item() == 1  # dark/0.png
    with pytest.raises(UnreadableImageError) as info:
        dataset[3]
    assert str(info.value) == (f"cannot read image '{bad}' ({reason}); "
                               'replace or remove the file')


@pytest.mark.slow
def test_corrupt_image_in_a_worker_is_one_line(tmp_path):
    write_tiny_images(tmp_path, per_class=1)
    bad = tmp_path / 'bright' / '0.png'
    bad.write_bytes(b'not a png')
    dataset = FolderSubsetDataset(data_root=str(tmp_path), pipeline=PIPELINE)
    loader = DataLoader(dataset, batch_size=2, num_workers=1,
                        collate_fn=pseudo_collate)
    with pytest.raises(UnreadableImageError) as info:
        next(iter(loader))
    assert 'Original Traceback' in str(info.value)  # torch's re-raise
    message = user_error_message(info.value)
    assert message.startswith(f"cannot read image '{bad}' (")
    assert '\n' not in message and 'Traceback' not in message
