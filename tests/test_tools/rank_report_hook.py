"""A test-only hook: each rank writes what it trained to ``rank<R>.json``.

Imported by the derived test config through ``custom_imports`` (the test
puts this folder on ``PYTHONPATH``), so that a multi-process run can prove
that every rank trained, and a resumed run can prove where it started.
``stop_at_iter`` simulates a run killed right after that iteration's
checkpoint.
"""
import json
import os.path as osp
from typing import Any, Dict, Optional

import torch
from mmengine.dist import get_dist_info
from mmengine.hooks import Hook
from mmengine.registry import HOOKS


def momentum_norm(optim_wrapper: Any) -> float:
    """Sum of the L1 norms of the SGD momentum buffers (0 when empty)."""
    return float(sum(state['momentum_buffer'].abs().sum()
                     for state in optim_wrapper.optimizer.state.values()
                     if 'momentum_buffer' in state))


@HOOKS.register_module()
class RankReportHook(Hook):
    """Record start iteration, optimizer state and final weights per rank.

    Args:
        stop_at_iter (int): Raise after this iteration (after the
            checkpoint hook, which has a higher priority). 0: never.
    """

    priority = 'LOWEST'

    def __init__(self, stop_at_iter: int = 0) -> None:
        self.stop_at_iter = stop_at_iter
        self.start: Dict[str, float] = {}

    def before_train(self, runner) -> None:
        self.start = dict(
            start_iter=runner.iter,
            start_momentum_norm=momentum_norm(runner.optim_wrapper))

    def after_train_iter(self, runner, batch_idx: int,
                         data_batch: Optional[dict] = None,
                         outputs: Optional[dict] = None) -> None:
        if runner.iter + 1 == self.stop_at_iter:
            raise RuntimeError(
                f'RankReportHook: simulated interruption at iter '
                f'{self.stop_at_iter}')

    def after_train(self, runner) -> None:
        rank, world_size = get_dist_info()
        model = runner.model.module if hasattr(runner.model,
                                               'module') else runner.model
        weights = torch.cat([p.detach().flatten().double()
                             for p in model.architecture.parameters()])
        report = dict(
            self.start,
            rank=rank,
            world_size=world_size,
            end_iter=runner.iter,
            student_weight_sum=float(weights.abs().sum()))
        with open(osp.join(runner.work_dir, f'rank{rank}.json'), 'w') as f:
            json.dump(report, f)
