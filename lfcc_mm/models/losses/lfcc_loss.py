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

    With ``queue_size=K > 0`` the teacher embeddings of the last ``K``
    samples (of the global batch, detached) are kept in a first-in-first-out
    queue and added as extra negatives (MoCo's queue, He et al., CVPR 2020),
    so the student sees more negatives than the batch holds. The queue is a
    buffer of the loss (saved and resumed with the checkpoint) and is used
    only once it is full.

    Our choices where the paper is silent: ``tau=0.1`` (a common InfoNCE
    value for normalised embeddings), one-directional by default (the
    teacher is fixed, so only the student side needs to learn), optional
    learnable temperature parameterised as ``log(1/tau)`` as in CLIP, no
    queue by default (the batch's negatives only).

    Args:
        tau (float): Temperature (initial value when learnable). Defaults
            to 0.1.
        symmetric (bool): Also contrast each teacher sample against all
            student samples. Defaults to False.
        learnable_tau (bool): Learn the temperature. Defaults to False.
        loss_weight (float): Multiplier of the loss. Defaults to 1.0.
        queue_size (int): Past teacher embeddings kept as extra negatives
            (0: none). Defaults to 0.
    """

    def __init__(self,
                 tau: float = 0.1,
                 symmetric: bool = False,
                 learnable_tau: bool = False,
                 loss_weight: float = 1.0,
                 queue_size: int = 0) -> None:
        super().__init__()
        if tau <= 0:
            raise ValueError(f'tau must be > 0, got {tau}')
        if not isinstance(queue_size, int) or queue_size < 0:
            raise ValueError(
                f'LFCCLoss: queue_size must be an int >= 0, got {queue_size!r}')
        self.queue_size = queue_size
        if queue_size:
            # (K, S, D) once the first batch tells S and D; ``queue_ptr`` is
            # the next row to overwrite, ``queue_len`` the rows filled.
            self.register_buffer('queue', torch.zeros(0))
            self.register_buffer('queue_ptr', torch.zeros((), dtype=torch.long))
            self.register_buffer('queue_len', torch.zeros((), dtype=torch.long))
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
        candidates = all_T
        if self.queue_size and self.training:
            if int(self.queue_len) == self.queue_size:
                candidates = torch.cat([all_T, self.queue.to(all_T.dtype)])
            self._enqueue(all_T.detach())
        loss = self._info_nce(preds_S, candidates, target, scale)
        if self.symmetric:
            all_S, _ = gather_with_grad(preds_S)
            loss = (loss + self._info_nce(preds_T, all_S, target, scale)) / 2
        return self.loss_weight * loss

    @torch.no_grad()
    def _enqueue(self, keys: Tensor) -> None:
        """Write ``keys`` ``(N, S, D)`` over the oldest rows of the queue."""
        if self.queue.shape[1:] != keys.shape[1:]:
            self.queue = keys.new_zeros((self.queue_size, *keys.shape[1:]))
            self.queue_ptr.zero_()
            self.queue_len.zero_()
        keys = keys[-self.queue_size:].to(self.queue.dtype)
        idx = (int(self.queue_ptr) + torch.arange(
            keys.shape[0], device=keys.device)) % self.queue_size
        self.queue[idx] = keys
        self.queue_ptr.fill_((int(self.queue_ptr) + keys.shape[0]) %
                             self.queue_size)
        self.queue_len.fill_(min(self.queue_size,
                                 int(self.queue_len) + keys.shape[0]))

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        # The queue's shape is known only after a batch: take the saved one.
        key = prefix + 'queue'
        if self.queue_size and key in state_dict:
            self.queue = torch.empty_like(state_dict[key])
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

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
