"""LFCCLoss: sample-level contrastive loss in the compact space."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from mmrazor.registry import MODELS
from torch import Tensor, nn

from .gather import gather_with_grad


@MODELS.register_module()
class LFCCLoss(nn.Module):
    """InfoNCE between student and teacher embeddings of the same batch.

    For every scale ``s``, student sample ``i`` must pick teacher sample ``i``
    among all teacher samples of the (global) batch::

        L_s = mean_i  -log softmax_j( <z^S_i,s , z^T_j,s> / tau )[i]

    and ``loss = loss_weight * mean_s L_s``. With ``symmetric=True`` the
    teacher-to-student direction is added and the two are averaged. Inputs are
    the ``(B, S, D)`` outputs of :class:`LFCCConnector` (already unit vectors).

    Under DDP the candidates come from every rank (all-gather with gradients),
    so the loss and the averaged gradients with ``P`` processes of ``B``
    samples equal those of one process on the ``P*B`` batch.

    Our choices where the paper is silent: ``tau=0.1`` (a common InfoNCE
    value for normalised embeddings), one-directional by default (the
    teacher is fixed, so only the student side needs to learn), optional
    learnable temperature parameterised as ``log(1/tau)`` as in CLIP.

    Args:
        tau (float): Temperature (initial value when learnable). Defaults
            to 0.1.
        symmetric (bool): Also contrast each teacher sample against all
            student samples. Defaults to False.
        learnable_tau (bool): Learn the temperature. Defaults to False.
        loss_weight (float): Multiplier of the loss. Defaults to 1.0.
    """

    def __init__(self,
                 tau: float = 0.1,
                 symmetric: bool = False,
                 learnable_tau: bool = False,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if tau <= 0:
            raise ValueError(f'tau must be > 0, got {tau}')
        self.symmetric = symmetric
        self.loss_weight = loss_weight
        log_inv_tau = torch.tensor(math.log(1.0 / tau))
        if learnable_tau:
            self.log_inv_tau = nn.Parameter(log_inv_tau)
        else:
            self.register_buffer('log_inv_tau', log_inv_tau, persistent=False)

    @property
    def tau(self) -> float:
        """The current temperature."""
        return float(torch.exp(-self.log_inv_tau.detach()))

    def forward(self, preds_S: Tensor, preds_T: Tensor) -> Tensor:
        """Compute the loss.

        Args:
            preds_S (Tensor): Student embeddings ``(B, S, D)``.
            preds_T (Tensor): Teacher embeddings ``(B, S, D)``.

        Returns:
            Tensor: Scalar loss.
        """
        if preds_S.dim() != 3 or preds_S.shape != preds_T.shape:
            raise ValueError(
                'LFCCLoss expects student and teacher embeddings of the same '
                f'shape (B, S, D); got {tuple(preds_S.shape)} and '
                f'{tuple(preds_T.shape)}. Check that both connectors use the '
                'same `scales` and `embed_dim`.')
        all_T, offset = gather_with_grad(preds_T)
        if all_T.shape[0] < 2:
            raise ValueError(
                'LFCCLoss needs at least 2 samples in the (global) batch to '
                f'have negatives; got {all_T.shape[0]}. If this is the last, '
                'incomplete batch of an epoch, drop it: set '
                '`train_dataloader.drop_last=True` (every config of this '
                'repository does); otherwise use a per-GPU batch of at least '
                '2 (under DDP the global batch, summed over all processes, '
                'counts).')
        scale = self.log_inv_tau.exp().clamp(max=100.0)
        target = torch.arange(
            offset, offset + preds_S.shape[0], device=preds_S.device)
        loss = self._info_nce(preds_S, all_T, target, scale)
        if self.symmetric:
            all_S, _ = gather_with_grad(preds_S)
            loss = (loss + self._info_nce(preds_T, all_S, target, scale)) / 2
        return self.loss_weight * loss

    @staticmethod
    def _info_nce(anchors: Tensor, candidates: Tensor, target: Tensor,
                  scale: Tensor) -> Tensor:
        """Mean over scales of the cross-entropy of anchors vs candidates.

        Args:
            anchors (Tensor): ``(B, S, D)`` local anchors.
            candidates (Tensor): ``(N, S, D)`` all candidates.
            target (Tensor): ``(B,)`` index of each anchor's positive.
            scale (Tensor): ``1 / tau``.

        Returns:
            Tensor: Scalar.
        """
        logits = torch.einsum('bsd,nsd->sbn', anchors, candidates) * scale
        num_scales = logits.shape[0]
        return F.cross_entropy(
            logits.flatten(0, 1), target.repeat(num_scales))
