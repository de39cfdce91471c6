"""Fixtures of the tools tests: tiny images, a derived config, tool runs."""
import json
import os
import os.path as osp
import subprocess
import sys
from pathlib import Path
from typing import Callable, Dict, List, Optional

import numpy as np
import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[2]
TOOLS = REPO / 'tools'
HERE = Path(__file__).resolve().parent
TINY_CONFIG = HERE / 'configs' / 'tiny_lfcc_vit_resnet.py'


def write_tiny_images(root: Path, per_class: int = 4) -> None:
    """``root/<class>/<i>.png``: 32x32 RGB images of two separable classes."""
    rng = np.random.default_rng(0)
    for label, name in enumerate(('bright', 'dark')):
        (root / name).mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            img = rng.integers(0, 128, (32, 32, 3), dtype=np.uint8)
            img += 127 * (1 - label)
            Image.fromarray(img).save(root / name / f'{i}.png')


def tool_env() -> Dict[str, str]:
    """Environment of a tool subprocess: one thread, this folder importable."""
    env = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1',
               PYTHON=sys.executable)
    env['PYTHONPATH'] = os.pathsep.join(
        p for p in (str(HERE), str(REPO), env.get('PYTHONPATH')) if p)
    env.pop('LFCC_DEBUG', None)
    return env


@pytest.fixture(scope='session')
def tiny_project(tmp_path_factory) -> Path:
    """A working directory with ``data/tiny`` images and ``tiny.py``.

    ``tiny.py`` inherits the test config and adds :class:`RankReportHook`,
    which writes ``rank<R>.json`` into the work dir after training.
    """
    root = tmp_path_factory.mktemp('tiny_project')
    write_tiny_images(root / 'data' / 'tiny')
    (root / 'tiny.py').write_text(
        f"_base_ = [{str(TINY_CONFIG)!r}]\n"
        "custom_imports = dict(\n"
        "    imports=['lfcc_mm', 'rank_report_hook'],\n"
        "    allow_failed_imports=False)\n"
        "custom_hooks = [dict(type='RankReportHook')]\n")
    return root


@pytest.fixture(scope='session')
def run_tool(tiny_project) -> Callable[..., subprocess.CompletedProcess]:
    """Run ``tools/<script>`` in the tiny project; returns the result."""

    def run(script: str, *args: str, timeout: float = 240,
            env: Optional[Dict[str, str]] = None
            ) -> subprocess.CompletedProcess:
        path = TOOLS / script
        cmd: List[str] = (['bash', str(path)] if script.endswith('.sh') else
                          [sys.executable, str(path)])
        return subprocess.run(
            cmd + list(args), cwd=tiny_project, env=env or tool_env(),
            capture_output=True, text=True, timeout=timeout)

    return run


@pytest.fixture(scope='session')
def call_tool(tiny_project, tool_main
              ) -> Callable[..., subprocess.CompletedProcess]:
    """:func:`run_tool` in-process: ``tools/<script>``'s ``main(argv)``.

    Run in the tiny project with ``sys.argv`` as the real command (so the
    error line starts with ``<script>: error:``); see ``run_tool_main`` in
    ``tests/conftest.py``. Much faster than a process (no ``import
    lfcc_mm``); what needs a real process boundary (an exit code set by the
    interpreter, signals, ranks) stays with :func:`run_tool`.
    """

    def call(script: str, *args: str,
             env: Optional[Dict[str, str]] = None
             ) -> subprocess.CompletedProcess:
        return tool_main(f'tools/{script}', args, tiny_project, env=env,
                         syspath=[str(HERE)])

    return call


def read_report(work_dir: Path, rank: int = 0) -> dict:
    """The ``rank<R>.json`` written by :class:`RankReportHook`."""
    with open(work_dir / f'rank{rank}.json') as f:
        return json.load(f)


@pytest.fixture(scope='session')
def trained_work_dir(tiny_project, run_tool) -> Path:
    """A finished, uninterrupted 4-iteration single-process run.

    Holds ``iter_2.pth`` and ``iter_4.pth``, and ``rank0.json``.
    """
    work_dir = tiny_project / 'work_dirs' / 'trained'
    result = run_tool('train.py', 'tiny.py', '--work-dir', str(work_dir))
    assert result.returncode == 0, result.stderr[-3000:]
    assert osp.isfile(work_dir / 'iter_4.pth')
    return work_dir
