"""Progress of one benchmark run, readable by the driver while it trains.

Each run of ``tools/benchmark/kd_bench.py`` trains in its own process with
mmengine's logs in its work dir; the driver draws one progress bar per run
from the small JSON file :class:`BenchProgressHook` keeps up to date there.
"""
from __future__ import annotations

import json
import os.path as osp
from typing import Any, Optional, Tuple

from mmengine.hooks import Hook
from mmengine.registry import HOOKS

from lfcc_mm.fileio import write_json_atomic

#: File name of the progress record inside a run's work dir.
PROGRESS_FILE = 'progress.json'


def write_progress(work_dir: str, done: int, total: int) -> None:
    """Replace ``WORK_DIR/progress.json`` with ``{done, total}`` atomically.

    Args:
        work_dir (str): The run's work dir.
        done (int): Iterations done.
        total (int): Iterations of the whole run.
    """
    path = osp.join(work_dir, PROGRESS_FILE)
    write_json_atomic(path, dict(done=done, total=total), indent=None)


def read_progress(work_dir: str) -> Optional[Tuple[int, int]]:
    """``(done, total)`` of a run, or None before its first record.

    Args:
        work_dir (str): The run's work dir.

    Returns:
        tuple[int, int] | None: Iterations done and in all.
    """
    try:
        with open(osp.join(work_dir, PROGRESS_FILE)) as f:
            data = json.load(f)
        return int(data['done']), int(data['total'])
    except (OSError, ValueError, KeyError, TypeError):
        return None


@HOOKS.register_module()
class BenchProgressHook(Hook):
    """Record training iterations done in ``WORK_DIR/progress.json``.

    Args:
        interval (int): Write every ``interval`` iterations (and after the
            last). Defaults to 5.
    """

    priority = 'VERY_LOW'

    def __init__(self, interval: int = 5) -> None:
        self.interval = interval

    def before_train(self, runner: Any) -> None:
        """Record 0 of ``max_iters`` (the bar appears at once)."""
        write_progress(runner.work_dir, runner.iter, runner.max_iters)

    def after_train_iter(self, runner: Any, batch_idx: int,
                         data_batch: Any = None, outputs: Any = None) -> None:
        """Record the iterations done, every ``interval``."""
        done = runner.iter + 1
        if done % self.interval == 0 or done == runner.max_iters:
            write_progress(runner.work_dir, done, runner.max_iters)
