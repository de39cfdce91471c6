"""Refuse, before the first step, an epoch whose last batch has 1 sample.

``LFCCLoss`` contrasts every sample with the other samples of the (global)
batch: a batch of one has no negatives and the loss stops the run. Without
``drop_last``, the last batch of an epoch holds ``N mod B`` samples; when
that is one (over all ranks), the run used to stop only when it got there,
after a whole epoch of training. :class:`LastBatchCheckHook` computes the
sizes of the short last batches from the train loader (dataset size, batch
size, sampler, world size) in ``before_train`` and raises one line naming
the loss and the settings to change.
"""
from __future__ import annotations

import math
from typing import List, Optional, Tuple

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.registry import HOOKS
from torch import nn

from lfcc_mm.errors import UserError


class LastBatchError(UserError, ValueError):
    """An epoch's last batch is too small for a contrastive loss.

    Also a ``ValueError``, as the error ``LFCCLoss`` itself raises when it
    meets such a batch.
    """


def contrastive_losses(model: nn.Module) -> List[Tuple[str, int]]:
    """The losses of ``model`` that need several samples per global batch.

    A module says so with an integer attribute ``min_global_batch``; every
    :class:`~lfcc_mm.models.losses.LFCCLoss` needs 2 (its negatives are the
    other samples of the batch).

    Args:
        model (nn.Module): The model (a wrapper is unwrapped).

    Returns:
        list[tuple[str, int]]: ``(module name, samples needed)`` pairs.
    """
    from lfcc_mm.models.losses import LFCCLoss
    if is_model_wrapper(model):
        model = model.module
    found = []
    for name, module in model.named_modules():
        need = getattr(module, 'min_global_batch', None)
        if need is None and isinstance(module, LFCCLoss):
            need = 2
        if isinstance(need, int) and need > 1:
            found.append((name, need))
    return found


def last_global_batches(num_samples: int, batch_size: int, world_size: int,
                        round_up: bool = True) -> List[int]:
    """The global sizes of the short last batches of one epoch.

    Args:
        num_samples (int): Samples of the dataset.
        batch_size (int): Samples per rank and step.
        world_size (int): Ranks.
        round_up (bool): mmengine's ``DefaultSampler.round_up``: every rank
            gets ``ceil(N / world_size)`` samples (padded by repetition);
            otherwise rank ``r`` gets samples ``r, r + W, ...``.

    Returns:
        list[int]: The global size of every step in which some rank has a
        batch smaller than ``batch_size`` (empty when none has).
    """
    if round_up:
        per_rank = [math.ceil(num_samples / world_size)] * world_size
    else:
        per_rank = [len(range(r, num_samples, world_size))
                    for r in range(world_size)]
    short_steps = {n // batch_size for n in per_rank if n % batch_size}
    return [sum(min(batch_size, max(0, n - step * batch_size))
                for n in per_rank) for step in sorted(short_steps)]


@HOOKS.register_module()
class LastBatchCheckHook(Hook):
    """Check the train loader's last batch against the contrastive losses.

    Nothing is checked when the loader drops its last batch, or when its
    sampler is not an epoch sampler (``InfiniteSampler`` has no last batch).

    Examples:
        >>> default_hooks = dict(batch_check=dict(type='LastBatchCheckHook'))
    """

    priority = 'VERY_HIGH'

    def before_train(self, runner) -> None:
        """Raise :class:`LastBatchError` before the first step if needed."""
        message = self.problem(runner.model, runner.train_dataloader)
        if message is not None:
            raise LastBatchError(message)

    @staticmethod
    def problem(model: nn.Module, loader) -> Optional[str]:
        """The one-line message, or None when every batch is big enough.

        Args:
            model (nn.Module): The trained model.
            loader (torch.utils.data.DataLoader): The train loader.

        Returns:
            str | None: The message.
        """
        batch_size = getattr(loader, 'batch_size', None)
        if getattr(loader, 'drop_last', True) or not batch_size:
            return None
        sampler = getattr(loader, 'sampler', None)
        if type(sampler).__name__ == 'InfiniteSampler':
            return None
        losses = contrastive_losses(model)
        if not losses:
            return None
        world_size = getattr(sampler, 'world_size', 1)
        round_up = getattr(sampler, 'round_up', True)
        num_samples = len(loader.dataset)
        need = max(n for _, n in losses)
        small = [n for n in last_global_batches(num_samples, batch_size,
                                                world_size, round_up)
                 if n < need]
        if not small:
            return None
        names = ', '.join(name or type(model).__name__ for name, _ in losses)
        ranks = f' x {world_size} ranks' if world_size > 1 else ''
        return (f'train_dataloader: the last batch of every epoch holds '
                f'{min(small)} sample(s) ({num_samples} samples, batch_size '
                f'{batch_size}{ranks}, drop_last=False), but the contrastive '
                f'loss {names} needs at least {need} per (global) batch for '
                f'negatives; set train_dataloader.drop_last=True (e.g. '
                f'--cfg-options train_dataloader.drop_last=True) or change '
                f'train_dataloader.batch_size')
