"""OFALoss: OFA-KD's target-enhanced soft cross-entropy on logits."""
from __future__ import annotations

import torch.nn.functional as F
from mmrazor.registry import MODELS
from torch import Tensor, nn


@MODELS.register_module()
class OFALoss(nn.Module):
    """Cross-entropy to the teacher's distribution with an enhanced target.

    From OFA-KD (Hao et al., NeurIPS 2023). With ``p_t = softmax(z_T / T)``
    (teacher detached), ``log p_s = log_softmax(z_S / T)`` and ``y`` the
    ground-truth class, every class ``c`` gets the weight::

        w_y = (p_t[y] + 1) ** eps - 1        (target class)
        w_c = p_t[c] ** eps                  (every other class)

    and ``loss = loss_weight * mean_batch( -sum_c w_c * log p_s[c] )``.
    ``eps > 1`` enhances the target class more where the teacher is less
    sure of it (and damps the non-targets); with ``eps = 1`` the weights are
    exactly ``p_t`` and the loss is the soft-target cross-entropy of vanilla
    KD without the ``T**2`` factor. OFA applies it to the student's final
    logits and to every :class:`~lfcc_mm.models.connectors.OFABranch`'s
    logits, always against the teacher's final logits.

    In MMRazor the labels come from the student's classification head: record
    the inputs of ``head.loss_module`` (``dict(type='ModuleInputs',
    source='head.loss_module')``) and map ``gt_labels`` to it with
    ``data_idx=1``. mmpretrain's ``ClsHead`` calls ``loss_module(cls_score,
    target)`` where ``target`` is the ``(B,)`` class indices, or the
    ``(B, C)`` ``gt_score`` after batch augmentations (mixup/cutmix) or label
    smoothing; for such soft labels the target class is their argmax (as in
    the authors' code).

    Args:
        eps (float): Target-enhancement exponent ``eps > 0``. Defaults to 1.0.
        temperature (float): Softmax temperature ``T > 0``. Defaults to 1.0.
        loss_weight (float): Multiplier of the loss. Defaults to 1.0.
    """

    def __init__(self,
                 eps: float = 1.0,
                 temperature: float = 1.0,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if eps <= 0:
            raise ValueError(f'eps must be > 0, got {eps}')
        if temperature <= 0:
            raise ValueError(f'temperature must be > 0, got {temperature}')
        self.eps = float(eps)
        self.temperature = float(temperature)
        self.loss_weight = loss_weight

    def extra_repr(self) -> str:
        return (f'eps={self.eps}, temperature={self.temperature}, '
                f'loss_weight={self.loss_weight}')

    def forward(self, preds_S: Tensor, preds_T: Tensor,
                gt_labels: Tensor) -> Tensor:
        """Compute the loss.

        Args:
            preds_S (Tensor): Student logits ``(B, C)`` (final or branch).
            preds_T (Tensor): Teacher logits ``(B, C)``; no gradient flows
                into them.
            gt_labels (Tensor): Class indices ``(B,)`` or one-hot/soft labels
                ``(B, C)`` (their argmax is the target class).

        Returns:
            Tensor: Scalar loss.
        """
        target = self._target_mask(preds_S, preds_T, gt_labels)  # (B, C)
        p_t = F.softmax(preds_T.detach() / self.temperature, dim=1)
        weights = (p_t + target)**self.eps - target
        log_p_s = F.log_softmax(preds_S / self.temperature, dim=1)
        loss = -(weights * log_p_s).sum(dim=1).mean()
        return self.loss_weight * loss

    @staticmethod
    def _target_mask(preds_S: Tensor, preds_T: Tensor,
                     gt_labels: Tensor) -> Tensor:
        """Validate the shapes and return the one-hot target ``(B, C)``."""
        if preds_S.dim() != 2 or preds_S.shape != preds_T.shape:
            raise ValueError(
                'OFALoss expects student and teacher logits of the same shape '
                f'(B, num_classes); got {tuple(preds_S.shape)} and '
                f'{tuple(preds_T.shape)}. Check the branch `num_classes` and '
                'that the recorders tap the heads\' logits.')
        batch, num_classes = preds_S.shape
        if not isinstance(gt_labels, Tensor):
            raise TypeError(
                'OFALoss: gt_labels must be a Tensor, got '
                f'{type(gt_labels).__name__}; record the inputs of '
                "'head.loss_module' and map gt_labels with data_idx=1.")
        if gt_labels.dim() == 2 and tuple(gt_labels.shape) == (batch,
                                                                num_classes):
            gt_labels = gt_labels.argmax(dim=1)
        elif gt_labels.dim() != 1 or gt_labels.shape[0] != batch:
            raise ValueError(
                f'OFALoss: gt_labels must be ({batch},) class indices or '
                f'({batch}, {num_classes}) one-hot/soft labels, got shape '
                f'{tuple(gt_labels.shape)}.')
        elif gt_labels.is_floating_point():
            raise ValueError(
                'OFALoss: 1-D gt_labels must be integer class indices, got '
                f'dtype {gt_labels.dtype}.')
        return F.one_hot(gt_labels.long(), num_classes).to(preds_S.dtype)
