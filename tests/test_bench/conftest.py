"""Fixtures of the benchmark tests: tiny image folders made on the fly."""
from __future__ import annotations

import os
import os.path as osp
import subprocess
import sys
from typing import Dict, List

import numpy as np
import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CLASSES = ('cat', 'dog', 'ship')


def make_image_folder(root: str, per_class: int, seed: int = 0,
                      ext: str = '.png') -> Dict[str, List[str]]:
    """Write ``root/<class>/<i>.png`` 32x32 RGB images, class-tinted noise.

    Returns:
        dict: class -> sorted file names.
    """
    import cv2
    rng = np.random.default_rng(seed)
    files = {}
    for c, cls in enumerate(CLASSES):
        os.makedirs(osp.join(root, cls), exist_ok=True)
        names = []
        for i in range(per_class):
            img = rng.integers(0, 128, (32, 32, 3), dtype=np.uint8)
            img[..., c] += 120  # a learnable colour cue per class
            name = f'{i:04d}{ext}'
            cv2.imwrite(osp.join(root, cls, name), img)
            names.append(name)
        files[cls] = names
    return files


@pytest.fixture
def image_folders(tmp_path) -> Dict[str, str]:
    """A train folder (8 images/class) and a test folder (4 images/class)."""
    train, test = str(tmp_path / 'train'), str(tmp_path / 'test')
    make_image_folder(train, 8, seed=0)
    make_image_folder(test, 4, seed=1)
    return dict(train=train, test=test)


def run_tool(args: List[str],
             timeout: int = 240) -> subprocess.CompletedProcess:
    """Run a repo tool in a subprocess, single-threaded, from the repo root."""
    env = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1',
               PYTHONWARNINGS='ignore')
    proc = subprocess.run([sys.executable] + args, cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc
