"""Vanilla KD as OFA-KD runs it on CIFAR-100 (``--distiller kd``).

OFA-KD ``distillers/kd.py``: ``gt_loss_weight * CE + kd_loss_weight *
kd_loss(T)`` with train.py's defaults ``--kd-temperature 1``,
``--kd-loss-weight 1`` (``--gt-loss-weight 1``). The structure is
``configs/_base_/methods/kd_logits.py``; the protocol's values are set here
explicitly. A pair config sets the ``logits`` recorders' ``source``.
"""
_base_ = ['../../../_base_/methods/kd_logits.py']

model = dict(
    distiller=dict(
        distill_losses=dict(
            loss_kd=dict(
                tau=1,  # train.py --kd-temperature default
                loss_weight=1))))  # train.py --kd-loss-weight default
