"""lfcc_cls_w05_kd (candidate): ``lfcc_cls_w05`` plus the logit KD.

``lfcc_cls_kd`` (cls-token 1x1 scale, logit KD ``tau=4``, weight 1) with
the LFCC loss weight 0.5 per stage of ``lfcc_cls_w05``.
"""
_base_ = ['./lfcc_cls_kd.py']

model = dict(
    distiller=dict(
        distill_losses=dict(
            loss_lfcc_mid=dict(loss_weight=0.5),
            loss_lfcc_last=dict(loss_weight=0.5))))
