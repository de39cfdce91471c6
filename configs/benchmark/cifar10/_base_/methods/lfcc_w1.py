"""lfcc_w1 (ablation): LFCC loss weight 1 per stage instead of 0.5.

MMRazor's default weight: a pull towards the teacher as strong as the
student's cross-entropy.
"""
_base_ = ['./lfcc.py']

model = dict(
    distiller=dict(
        distill_losses=dict(
            loss_lfcc_mid=dict(loss_weight=1.0),
            loss_lfcc_last=dict(loss_weight=1.0))))
