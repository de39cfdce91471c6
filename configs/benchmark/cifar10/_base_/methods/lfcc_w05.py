"""lfcc_w05 (candidate): LFCC loss weight 0.5 per stage instead of 1.

A weaker pull towards the teacher (a weak teacher may hurt more than help).
"""
_base_ = ['./lfcc.py']

model = dict(
    distiller=dict(
        distill_losses=dict(
            loss_lfcc_mid=dict(loss_weight=0.5),
            loss_lfcc_last=dict(loss_weight=0.5))))
