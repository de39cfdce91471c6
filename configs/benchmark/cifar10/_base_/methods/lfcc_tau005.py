"""lfcc_tau005 (ablation): InfoNCE temperature 0.05 instead of 0.1.

A sharper contrast: the hardest negatives of the batch weigh more. A softer
one (``lfcc_tau05``) was worse on every pair.
"""
_base_ = ['./lfcc.py']

model = dict(
    distiller=dict(
        distill_losses=dict(
            loss_lfcc_mid=dict(tau=0.05), loss_lfcc_last=dict(tau=0.05))))
