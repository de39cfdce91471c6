"""tools/benchmark/split_folder.py: deterministic, safe validation split."""
from __future__ import annotations

import importlib.util
import os
import os.path as osp

import pytest

from .conftest import CLASSES, REPO, make_image_folder


def _load_tool():
    path = osp.join(REPO, 'tools', 'benchmark', 'split_folder.py')
    spec = importlib.util.spec_from_file_location('split_folder', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


split_folder = _load_tool().split_folder


def test_moves_last_n_per_class(tmp_path):
    src, dst = str(tmp_path / 'train'), str(tmp_path / 'val')
    files = make_image_folder(src, per_class=5, ext='.jpg')
    counts = split_folder(src, dst, num_per_class=2)
    assert counts == {cls: 2 for cls in CLASSES}
    for cls in CLASSES:
        assert sorted(os.listdir(osp.join(dst, cls))) == files[cls][-2:]
        assert sorted(os.listdir(osp.join(src, cls))) == files[cls][:-2]


def test_copy_keeps_source(tmp_path):
    src, dst = str(tmp_path / 'train'), str(tmp_path / 'val')
    make_image_folder(src, per_class=3)
    split_folder(src, dst, num_per_class=1, copy=True)
    assert all(len(os.listdir(osp.join(src, c))) == 3 for c in CLASSES)
    assert all(len(os.listdir(osp.join(dst, c))) == 1 for c in CLASSES)


def test_refuses_second_split_and_too_few_images(tmp_path):
    src, dst = str(tmp_path / 'train'), str(tmp_path / 'val')
    make_image_folder(src, per_class=4)
    split_folder(src, dst, num_per_class=1)
    with pytest.raises(ValueError, match='already split'):
        split_folder(src, dst, num_per_class=1)
    with pytest.raises(ValueError, match="class 'cat' has 3 images"):
        split_folder(src, str(tmp_path / 'other'), num_per_class=3)
    with pytest.raises(ValueError, match='--num-per-class must be >= 1'):
        split_folder(src, str(tmp_path / 'other'), num_per_class=0)
    # a failed call moved nothing
    assert all(len(os.listdir(osp.join(src, c))) == 3 for c in CLASSES)
