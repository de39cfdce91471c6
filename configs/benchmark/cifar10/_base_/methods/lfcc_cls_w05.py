"""lfcc_cls_w05 (candidate): ``lfcc_cls`` with loss weight 0.5 per stage.

The two changes that helped on their own (the cls-token 1x1 scale,
``lfcc_cls``, and half the LFCC weight, ``lfcc_w05``), together.
"""
_base_ = ['./lfcc_cls.py']

model = dict(
    distiller=dict(
        distill_losses=dict(
            loss_lfcc_mid=dict(loss_weight=0.5),
            loss_lfcc_last=dict(loss_weight=0.5))))
