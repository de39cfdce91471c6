"""Vanilla KD on CIFAR-100: ``kd_logits.py`` at the usual CIFAR temperature.

``tau=4`` and weight 1 next to the student's cross-entropy, as in the
CIFAR-100 KD benchmarks (CRD, DKD); the KL term is scaled by ``tau ** 2``.
"""
_base_ = ['./kd_logits.py']

model = dict(
    distiller=dict(distill_losses=dict(loss_kd=dict(tau=4, loss_weight=1))))
