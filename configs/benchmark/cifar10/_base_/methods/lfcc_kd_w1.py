"""lfcc_kd_w1 (ablation): ``lfcc_kd`` with LFCC loss weight 1 per stage.

What ``lfcc_w1`` is to ``lfcc``, with the logit KD (``tau=4``, weight 1).
"""
_base_ = ['./lfcc_kd.py']

model = dict(
    distiller=dict(
        distill_losses=dict(
            loss_lfcc_mid=dict(loss_weight=1.0),
            loss_lfcc_last=dict(loss_weight=1.0))))
