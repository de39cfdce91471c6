"""lfcc_nocls_w1 (ablation): the earlier default, both changes undone.

``lfcc_nocls`` with ``lfcc_w1``'s loss weight 1 per stage: the 1x1 scale is
the mean of the patch tokens, weight 1. This was ``lfcc`` until the
cls-token scale and the half weight became the default.
"""
_base_ = ['./lfcc_nocls.py']

model = dict(
    distiller=dict(
        distill_losses=dict(
            loss_lfcc_mid=dict(loss_weight=1.0),
            loss_lfcc_last=dict(loss_weight=1.0))))
