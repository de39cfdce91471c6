"""DKD on CIFAR-100: ``dkd_logits.py`` with the paper's CIFAR-100 setting.

``tau=4``, ``alpha=1``, ``beta=8`` (Zhao et al., CVPR 2022, Sec. 4).
"""
_base_ = ['./dkd_logits.py']

model = dict(
    distiller=dict(distill_losses=dict(loss_dkd=dict(tau=4, alpha=1, beta=8))))
