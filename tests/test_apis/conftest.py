"""A tiny distillation run made with ``lfcc_mm.apis.distill``, once.

The run is started from an unrelated, empty current folder with absolute
data roots, so everything below also checks that nothing depends on the
current folder or the checkout.
"""
import os
from pathlib import Path
from typing import Dict

import pytest

from test_tools.conftest import TINY_CONFIG, write_tiny_images


def data_options(data_root: Path) -> Dict[str, str]:
    """``cfg_options`` that point the tiny config's loaders at ``data_root``."""
    return {f'{loader}.dataset.data_root': str(data_root)
            for loader in ('train_dataloader', 'val_dataloader',
                           'test_dataloader')}


@pytest.fixture(scope='session')
def tiny_data(tmp_path_factory) -> Path:
    """``<tmp>/tiny/<class>/<i>.png``: 8 images of two classes."""
    root = tmp_path_factory.mktemp('apis_data') / 'tiny'
    write_tiny_images(root)
    return root


@pytest.fixture(scope='session')
def distilled(tmp_path_factory, tiny_data):
    """``distill()`` of the tiny config for 4 iterations, from another cwd."""
    from lfcc_mm.apis import distill
    elsewhere = tmp_path_factory.mktemp('elsewhere')
    work_dir = tmp_path_factory.mktemp('apis_run') / 'work'
    old = os.getcwd()
    os.chdir(elsewhere)
    try:
        result = distill(str(TINY_CONFIG), work_dir,
                         cfg_options=data_options(tiny_data))
    finally:
        os.chdir(old)
    assert not any(elsewhere.iterdir()), 'distill wrote into the cwd'
    return result
