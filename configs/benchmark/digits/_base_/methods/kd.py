"""kd: Hinton KD, cross-entropy + KL(teacher || student) on the logits.

The CIFAR-10 grid's ``kd`` (``configs/benchmark/cifar10/_base_/methods/
kd.py``): MMRazor's ``KLDivergence`` (``tau=4``, weight 1, scaled by
``tau ** 2`` and averaged over the batch) next to the student's
cross-entropy (weight 1), inside ``FrozenTeacherDistill`` with
``CheckedDistiller``: the algorithm and distiller of every method here, so
methods differ by their distiller alone. Both models end in
``LinearClsHead``: the logits are ``head.fc``.
"""
_base_ = ['../../../cifar10/_base_/methods/kd.py']
