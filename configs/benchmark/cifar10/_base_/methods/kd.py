"""kd: Hinton KD, cross-entropy + KL(teacher || student) on the logits.

The repository's CIFAR KD loss (``configs/_base_/methods/
kd_logits_cifar100.py``: MMRazor's ``KLDivergence``, ``tau=4``, weight 1)
inside ``FrozenTeacherDistill`` with ``CheckedDistiller``, the algorithm and
distiller of every method, so methods differ by their distiller alone.
Every benchmark model ends in ``LinearClsHead``: logits are ``head.fc``.
"""
_base_ = ['../../../../_base_/methods/kd_logits_cifar100.py']
