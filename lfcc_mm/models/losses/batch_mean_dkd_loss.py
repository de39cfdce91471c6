"""DKD averaged over the batch, as its authors define it."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from mmrazor.models.losses import DKDLoss
from mmrazor.registry import MODELS

from ..warmup import check_warmup_length, linear_warmup_factor


@MODELS.register_module()
class BatchMeanDKDLoss(DKDLoss):
    """Decoupled KD (Zhao et al., CVPR 2022) with its authors' batch mean.

    ``alpha * TCKD + beta * NCKD``, each ``tau ** 2 * KL`` summed over the
    classes and **averaged over the batch**, as in the authors' code
    (mdistiller's ``dkd_loss``: ``kl_div(..., size_average=False) *
    temperature ** 2 / target.shape[0]``; OFA-KD's copy uses
    ``reduction='batchmean'``). MMRazor's :class:`DKDLoss` passes
    ``size_average=False`` to ``F.kl_div``, which overrides its
    ``reduction`` and *sums* over the batch, so ``alpha`` / ``beta`` act
    ``B`` times too large there (39.5 vs 1.23 at ``B = 32``). The value
    here does not depend on the batch size.

    Optionally the loss is warmed up by epoch as in mdistiller's DKD
    (``DKD.WARMUP = 20`` on CIFAR-100): multiplied by
    ``min(epoch / warmup_epochs, 1)`` with mdistiller's 1-based epoch,
    i.e. ``min((runner.epoch + 1) / warmup_epochs, 1)`` with mmengine's
    0-based one (read from the ``MessageHub``, so it survives ``--resume``;
    :mod:`lfcc_mm.models.warmup`, the warm-up every lfcc_mm component uses).
    Only this loss is warmed up, not the student's cross-entropy.

    Args:
        tau (float): Temperature. Defaults to 1.0.
        alpha (float): Weight of TCKD. Defaults to 1.0.
        beta (float): Weight of NCKD. Defaults to 1.0.
        loss_weight (float): Weight of the loss. Defaults to 1.0.
        warmup_epochs (int): Length of the linear warm-up in epochs; 0
            disables it. Defaults to 0.
    """

    def __init__(self,
                 tau: float = 1.0,
                 alpha: float = 1.0,
                 beta: float = 1.0,
                 loss_weight: float = 1.0,
                 warmup_epochs: int = 0) -> None:
        check_warmup_length(warmup_epochs, 'warmup_epochs',
                            type(self).__name__)
        super().__init__(
            tau=tau,
            alpha=alpha,
            beta=beta,
            reduction='batchmean',
            loss_weight=loss_weight)
        self.warmup_epochs = warmup_epochs

    def _kl_loss(self, preds_S: torch.Tensor,
                 preds_T: torch.Tensor) -> torch.Tensor:
        """``tau ** 2 * KL(preds_T || exp(preds_S))``, mean over the batch.

        Args:
            preds_S (Tensor): Student log-probabilities ``(B, K)``.
            preds_T (Tensor): Teacher probabilities ``(B, K)``.

        Returns:
            Tensor: Scalar.
        """
        return F.kl_div(
            preds_S, preds_T, reduction='batchmean') * self.tau**2

    def warmup_factor(self) -> float:
        """The epoch warm-up multiplier at the current epoch (1 if off)."""
        return linear_warmup_factor(self.warmup_epochs, by='epoch')

    def forward(self, preds_S: torch.Tensor, preds_T: torch.Tensor,
                gt_labels: torch.Tensor) -> torch.Tensor:
        """Batch-mean DKD.

        Args:
            preds_S (Tensor): Student logits ``(B, K)``.
            preds_T (Tensor): Teacher logits ``(B, K)``.
            gt_labels (Tensor): Hard labels ``(B,)``.

        Returns:
            Tensor: Scalar loss.
        """
        return super().forward(preds_S, preds_T,
                               gt_labels) * self.warmup_factor()
