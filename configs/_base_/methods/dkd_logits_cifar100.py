"""DKD on CIFAR-100: ``dkd_logits.py`` with the authors' CIFAR-100 setting.

``tau=4``, ``alpha=1``, ``beta=8`` (Zhao et al., CVPR 2022, Sec. 4) and the
authors' 20-epoch warm-up of the DKD term (mdistiller ``CFG.DKD``: ``T 4``,
``ALPHA 1``, ``BETA 8``, ``CE_WEIGHT 1``, ``WARMUP 20``; ``DKD.forward_train``
scales the loss by ``min(epoch / WARMUP, 1)``), as ``BatchMeanDKDLoss``'s
``warmup_epochs``. The student's cross-entropy keeps weight 1.
"""
_base_ = ['./dkd_logits.py']

model = dict(
    distiller=dict(
        distill_losses=dict(
            loss_dkd=dict(tau=4, alpha=1, beta=8, warmup_epochs=20))))
