"""Linear warm-up of distillation losses: the one mechanism of lfcc_mm.

Two components warm a loss up, with one formula and one source of progress:

- :class:`~lfcc_mm.models.algorithms.FrozenTeacherDistill` scales every
  ``distill.*`` loss over its first ``distill_warmup_iters`` iterations
  (``by='iter'``, our choice);
- :class:`~lfcc_mm.models.losses.BatchMeanDKDLoss` scales itself over its
  first ``warmup_epochs`` epochs (``by='epoch'``), as mdistiller's DKD does
  (``min(epoch / DKD.WARMUP, 1)`` with epochs counted from 1).

The factor is ``min(1, (t + 1) / length)`` with ``t`` mmengine's 0-based
``iter`` or ``epoch``, read from the current :class:`MessageHub` (which the
Runner updates and checkpoints, so the warm-up survives ``--resume``).
"""
from __future__ import annotations

import numbers

from mmengine.logging import MessageHub

WARMUP_UNITS = ('iter', 'epoch')


def check_warmup_length(length: float, key: str, owner: str) -> float:
    """Validate a warm-up length at construction time.

    Args:
        length (float): Warm-up length in iterations or epochs; 0 disables
            the warm-up.
        key (str): The config argument, for the message, e.g.
            ``'warmup_epochs'``.
        owner (str): The component, for the message, e.g.
            ``'BatchMeanDKDLoss'``.

    Returns:
        float: ``length`` unchanged.

    Raises:
        ValueError: ``length`` is not a number ``>= 0``.
    """
    if (not isinstance(length, numbers.Real) or isinstance(length, bool)
            or length < 0):
        raise ValueError(
            f'{owner}: {key} must be >= 0 (a number of {key.split("_")[-1]}; '
            f'0 disables the warm-up), got {length!r}.')
    return length


def linear_warmup_factor(length: float, by: str) -> float:
    """The linear warm-up multiplier at the current iteration or epoch.

    Args:
        length (float): Warm-up length in units of ``by``; 0 disables it.
        by (str): ``'iter'`` or ``'epoch'``: which of mmengine's 0-based
            counters in the :class:`MessageHub` drives the warm-up.

    Returns:
        float: ``min(1, (t + 1) / length)`` with ``t`` the current ``iter``
        or ``epoch`` (0 before the Runner sets one); 1 when ``length`` is 0.
    """
    if by not in WARMUP_UNITS:
        raise ValueError(f'warm-up by must be one of {WARMUP_UNITS}, got '
                         f'{by!r}')
    if not length:
        return 1.0
    t = MessageHub.get_current_instance().get_info(by, 0)
    return min(1.0, (t + 1) / length)
