"""lfcc_w2 (ablation): LFCC loss weight 2 per stage instead of 0.5.

A stronger pull towards the teacher's low frequencies relative to the
student's cross-entropy.
"""
_base_ = ['./lfcc.py']

model = dict(
    distiller=dict(
        distill_losses=dict(
            loss_lfcc_mid=dict(loss_weight=2.0),
            loss_lfcc_last=dict(loss_weight=2.0))))
