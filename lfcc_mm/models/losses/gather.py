"""All-gather across ranks with gradients, for contrastive negatives."""
from __future__ import annotations

from typing import List, Optional, Tuple

import torch
import torch.distributed as dist
from torch import Tensor


def world_size() -> int:
    """Number of processes, 1 when torch.distributed is not initialised."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_world_size()
    return 1


def _gather_sizes(x: Tensor) -> List[int]:
    """Every rank's ``x.shape[0]``, in rank order."""
    n = torch.tensor([x.shape[0]], device=x.device)
    sizes = [torch.zeros_like(n) for _ in range(dist.get_world_size())]
    dist.all_gather(sizes, n)
    return [int(s.item()) for s in sizes]


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
        parts = [torch.empty_like(padded) for _ in sizes]
        dist.all_gather(parts, padded)
        ctx.sizes = sizes
        ctx.rank = dist.get_rank()
        return torch.cat([p[:n] for p, n in zip(parts, sizes)])

    @staticmethod
    def backward(ctx,
                 grad: Tensor) -> Tuple[Tensor, Optional[None]]:  # type: ignore
        grad = grad.contiguous()
        dist.all_reduce(grad)
        start = sum(ctx.sizes[:ctx.rank])
        return grad[start:start + ctx.sizes[ctx.rank]], None


def gather_with_grad(x: Tensor) -> Tuple[Tensor, int]:
    """Gather ``x`` from all ranks along dim 0.

    Args:
        x (Tensor): ``(B_local, ...)`` on this rank.

    Returns:
        tuple: ``(x_all, offset)``: ``(B_total, ...)`` with every rank's rows
        in rank order, and the index of this rank's first row in it.
        Without torch.distributed, ``(x, 0)``.
    """
    if world_size() == 1:
        return x, 0
    sizes = _gather_sizes(x)
    x_all = _GatherWithGrad.apply(x, sizes)
    return x_all, sum(sizes[:dist.get_rank()])
