"""lfcc_tau05 (ablation): InfoNCE temperature 0.5 instead of 0.1.

A softer contrast: negatives in the batch weigh more evenly.
"""
_base_ = ['./lfcc.py']

model = dict(
    distiller=dict(
        distill_losses=dict(
            loss_lfcc_mid=dict(tau=0.5), loss_lfcc_last=dict(tau=0.5))))
