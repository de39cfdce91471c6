"""kd: Hinton KD, cross-entropy + KL(teacher || student) on the logits.

The repository's CIFAR KD loss (``configs/_base_/methods/
kd_logits_cifar100.py``: MMRazor's ``KLDivergence``, ``tau=4``) inside
``FrozenTeacherDistill`` with ``CheckedDistiller``, the algorithm and
distiller of every method, so methods differ by their distiller alone.
Every benchmark model ends in ``LinearClsHead``: logits are ``head.fc``.

Weights: the student's cross-entropy stays at 1, as in every benchmark
method, and the KD term is set to 1 here (not CIFAR-100's 0.9 / 0.1
split of that file), the same term as in ``lfcc_kd``, so that
``lfcc_kd - kd`` is the LFCC loss alone.
"""
_base_ = ['../../../../_base_/methods/kd_logits_cifar100.py']

model = dict(distiller=dict(distill_losses=dict(loss_kd=dict(loss_weight=1))))
