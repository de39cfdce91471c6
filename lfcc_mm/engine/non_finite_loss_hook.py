"""Stop training at the first non-finite loss, before anything is saved.

A learning rate far too high (``optim_wrapper.optimizer.lr=1e6``) makes the
loss NaN within a few iterations; mmengine trains on, saves checkpoints full
of NaN weights and exits 0. :class:`NonFiniteLossHook` checks every loss
term the model returned for the iteration (``train_step``'s ``log_vars``:
``loss``, ``loss_lfcc``, ``student.loss``, ...) and raises
:class:`NonFiniteLossError`, one line that names the iteration, the terms
and the last checkpoint saved before, so that the tools print it and exit
non-zero. It runs before the checkpoint hook (priority ``HIGH`` vs
``VERY_LOW``), so the poisoned weights of that iteration are never saved.

In a process group the verdict is all-reduced, so that every rank stops at
the same iteration (a rank whose own loss is finite would otherwise wait in
its next collective for ``env_cfg.dist_cfg.timeout`` seconds).
"""
from __future__ import annotations

import math
import os.path as osp
from typing import Dict, List, Optional, Sequence

import torch
from mmengine.dist import all_reduce, get_rank, get_world_size
from mmengine.hooks import Hook
from mmengine.registry import HOOKS
from mmengine.runner import EpochBasedTrainLoop

from lfcc_mm.errors import UserError


class NonFiniteLossError(UserError):
    """A loss term became NaN or infinite: the run diverged."""


def _as_float(value) -> Optional[float]:
    """``value`` (a number or a tensor, averaged) as a float, else None."""
    if isinstance(value, torch.Tensor):
        return float(value.detach().float().mean()) if value.numel() else None
    if isinstance(value, (int, float)):
        return float(value)
    return None


def non_finite_terms(outputs: Optional[Dict],
                     keys: Optional[Sequence[str]] = None) -> List[str]:
    """The loss terms of ``outputs`` that are NaN or infinite.

    Args:
        outputs (dict, optional): ``train_step``'s ``log_vars``.
        keys (Sequence[str], optional): The terms to check; None checks
            every key that contains ``'loss'`` (the terms mmengine sums).

    Returns:
        list[str]: ``'<key>=<value>'`` for each non-finite term, the total
        ``loss`` last.
    """
    bad = []
    for key, value in (outputs or {}).items():
        if (key not in keys) if keys is not None else ('loss' not in key):
            continue
        number = _as_float(value)
        if number is not None and not math.isfinite(number):
            bad.append((key == 'loss', f'{key}={number}'))
    return [text for _, text in sorted(bad, key=lambda item: item[0])]


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Raise :class:`NonFiniteLossError` at the first NaN/inf loss term.

    Args:
        enabled (bool): Check at all. Defaults to True; turn it off with
            ``--cfg-options default_hooks.non_finite.enabled=False``.
        keys (Sequence[str], optional): The loss terms to check; None (the
            default) checks every term whose name contains ``'loss'``.

    Examples:
        >>> default_hooks = dict(non_finite=dict(type='NonFiniteLossHook'))
    """

    priority = 'HIGH'  # before LoggerHook (60) and CheckpointHook (90)

    def __init__(self,
                 enabled: bool = True,
                 keys: Optional[Sequence[str]] = None) -> None:
        if keys is not None and (isinstance(keys, str) or not all(
                isinstance(key, str) for key in keys)):
            raise ValueError('NonFiniteLossHook: keys must be a list of loss '
                             f'names such as ["loss_lfcc"], got {keys!r}')
        self.enabled = bool(enabled)
        self.keys = list(keys) if keys is not None else None

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        """Stop the run if this iteration's loss is not finite."""
        if not self.enabled:
            return
        bad = non_finite_terms(outputs, self.keys)
        if get_world_size() > 1:
            flag = torch.tensor([1.0 if bad else 0.0])
            all_reduce(flag, op='max')
            if flag.item() > 0 and not bad:
                bad = ['on another rank']
        if bad:
            raise NonFiniteLossError(self._message(runner, bad))

    @staticmethod
    def _last_checkpoint(runner) -> Optional[str]:
        """The checkpoint saved last, before this iteration, if any."""
        last = runner.message_hub.get_info('last_ckpt')
        if last:
            return last
        pointer = osp.join(runner.work_dir, 'last_checkpoint')
        if osp.isfile(pointer):
            with open(pointer) as f:
                return f.read().strip() or None
        return None

    def _message(self, runner, bad: List[str]) -> str:
        """The one line: where, which terms, what was saved, what to do."""
        where = f'iteration {runner.iter + 1}'
        if isinstance(runner.train_loop, EpochBasedTrainLoop):
            where += f' (epoch {runner.epoch + 1})'
        rank = f'rank {get_rank()}: ' if get_world_size() > 1 else ''
        last = self._last_checkpoint(runner)
        saved = (f'the last good checkpoint is {last} (resume with --resume '
                 f'{last})' if last else 'no checkpoint was saved before')
        return (f'{rank}training diverged: non-finite loss at {where}: '
                f'{", ".join(bad)}; stopped without saving it; {saved}; '
                'lower optim_wrapper.optimizer.lr or set '
                'optim_wrapper.clip_grad (e.g. --cfg-options '
                'optim_wrapper.clip_grad.max_norm=5)')
