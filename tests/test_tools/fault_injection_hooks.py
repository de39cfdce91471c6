"""Test-only hooks that inject faults into a training run.

Imported by derived test configs through ``custom_imports`` (the tests put
this folder on ``PYTHONPATH``).
"""
import os
import signal
import time
from typing import Optional

from mmengine.dist import get_dist_info
from mmengine.hooks import Hook
from mmengine.registry import HOOKS


@HOOKS.register_module()
class StopRankHook(Hook):
    """Stop this process (SIGSTOP, as a hung rank) before an iteration.

    Args:
        rank (int): The rank that stops.
        at_iter (int): Stop before this (0-based) training iteration.
    """

    def __init__(self, rank: int = 1, at_iter: int = 1) -> None:
        self.rank = rank
        self.at_iter = at_iter

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch: Optional[dict] = None) -> None:
        if get_dist_info()[0] == self.rank and runner.iter == self.at_iter:
            print(f'StopRankHook: rank {self.rank} stops at iter '
                  f'{self.at_iter}', flush=True)
            os.kill(os.getpid(), signal.SIGSTOP)


@HOOKS.register_module()
class SlowIterHook(Hook):
    """Sleep after every training iteration (after its checkpoint).

    Widens the training phase of a tiny run so that a test can kill it at
    random moments between and during checkpoint saves.

    Args:
        seconds (float): Sleep per iteration.
    """

    priority = 'LOWEST'

    def __init__(self, seconds: float = 0.1) -> None:
        self.seconds = seconds

    def after_train_iter(self, runner, batch_idx: int,
                         data_batch: Optional[dict] = None,
                         outputs: Optional[dict] = None) -> None:
        time.sleep(self.seconds)
