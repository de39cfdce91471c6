"""Write the test metrics to a file: ``tools/test.py --out-item metrics``.

mmpretrain's ``tools/test.py`` dumps the dict ``runner.test()`` returns; here
the Runner is built and run by :func:`lfcc_mm.cli.runner.run`, so the same
dict is taken where the Runner hands it to its hooks (``after_test_epoch``).
"""
from __future__ import annotations

import os
import os.path as osp
from typing import Dict, Optional

import mmengine
from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmengine.registry import HOOKS

# The formats mmengine.dump writes, by file extension.
METRIC_FILE_SUFFIXES = ('.json', '.yaml', '.yml', '.pkl', '.pickle')


@HOOKS.register_module()
class DumpMetricsHook(Hook):
    """Dump the test metrics (``accuracy/top1``, ...) to ``out_file``.

    Only the main process writes; the folder is created if needed.

    Args:
        out_file (str): A ``.json``, ``.yaml``/``.yml`` or ``.pkl``/
            ``.pickle`` file (the format follows the extension).
    """

    priority = 'LOWEST'

    def __init__(self, out_file: str) -> None:
        if not out_file.lower().endswith(METRIC_FILE_SUFFIXES):
            raise ValueError(
                f'out_file must end with one of '
                f'{", ".join(METRIC_FILE_SUFFIXES)}, got {out_file!r}')
        self.out_file = out_file

    def after_test_epoch(self,
                         runner,
                         metrics: Optional[Dict[str, float]] = None) -> None:
        """Write ``metrics`` (the evaluator's results) to ``out_file``.

        Args:
            runner (mmengine.runner.Runner): The runner.
            metrics (dict[str, float], optional): The test metrics.
        """
        if not is_main_process():
            return
        folder = osp.dirname(osp.abspath(self.out_file))
        os.makedirs(folder, exist_ok=True)
        mmengine.dump(dict(metrics or {}), self.out_file)
        runner.logger.info(f'Test metrics written to {self.out_file}')
