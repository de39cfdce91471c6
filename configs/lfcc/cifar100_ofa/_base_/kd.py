"""Vanilla KD as OFA-KD runs it on CIFAR-100 (``--distiller kd``).

OFA-KD ``distillers/kd.py``: ``gt_loss_weight * CE + kd_loss_weight *
kd_loss(T)`` with train.py's defaults ``--kd-temperature 1``,
``--kd-loss-weight 1`` (``--gt-loss-weight 1``): the ``kd_ofakd`` term of
``configs/_base_/methods/logit_kd_terms.py``, which the LFCC + KD rows add to
their LFCC twin, inside ``FrozenTeacherDistill``. A pair config sets the
``logits`` recorders' ``source`` (``<model>_logits`` of ``models.py``).
"""
_base_ = ['../../../_base_/methods/logit_kd_terms.py']

model = dict(
    _scope_='mmrazor', type='FrozenTeacherDistill', **_base_.kd_ofakd)
