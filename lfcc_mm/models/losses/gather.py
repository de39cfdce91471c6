"""All-gather across ranks with gradients, for contrastive negatives.

Ranks, world size and collectives are mmengine's (:mod:`mmengine.dist`):
one process outside a distributed run, whatever launched it.
"""
from __future__ import annotations

from typing import List, Optional, Tuple

import torch
from mmengine.dist import all_gather, all_reduce, get_rank, get_world_size
from torch import Tensor


def _gather_sizes(x: Tensor) -> List[int]:
    """Every rank's ``x.shape[0]``, in rank order."""
    n = torch.tensor([x.shape[0]], device=x.device)
    return [int(s.item()) for s in all_gather(n)]


class _GatherWithGrad(torch.autograd.Function):
    """Concatenate every rank's tensor along dim 0, differentiably.

    Backward sums the incoming gradients over ranks (all-reduce) and returns
    this rank's slice: rank ``r`` gets the gradient of *every* rank's loss
    with respect to its own rows. After DDP averages parameter gradients over
    ranks, the update equals the single-process update on the whole batch.
    Rows are padded to the longest rank for the collective, so per-rank batch
    sizes may differ (the last batch of an epoch).
    """

    @staticmethod
    def forward(ctx, x: Tensor, sizes: List[int]) -> Tensor:  # type: ignore
        padded = x.new_zeros((max(sizes), *x.shape[1:]))
        padded[:x.shape[0]] = x
        parts = all_gather(padded)
        ctx.sizes = sizes
        ctx.rank = get_rank()
        return torch.cat([p[:n] for p, n in zip(parts, sizes)])

    @staticmethod
    def backward(ctx,
                 grad: Tensor) -> Tuple[Tensor, Optional[None]]:  # type: ignore
        grad = grad.contiguous()
        all_reduce(grad)  # in place, summed over ranks
        start = sum(ctx.sizes[:ctx.rank])
        return grad[start:start + ctx.sizes[ctx.rank]], None


def gather_with_grad(x: Tensor) -> Tuple[Tensor, int]:
    """Gather ``x`` from all ranks along dim 0.

    Args:
        x (Tensor): ``(B_local, ...)`` on this rank.

    Returns:
        tuple: ``(x_all, offset)``: ``(B_total, ...)`` with every rank's rows
        in rank order, and the index of this rank's first row in it.
        Outside a distributed run (world size 1), ``(x, 0)``.
    """
    if get_world_size() == 1:
        return x, 0
    sizes = _gather_sizes(x)
    x_all = _GatherWithGrad.apply(x, sizes)
    return x_all, sum(sizes[:get_rank()])
