"""Vanilla KD on CIFAR-100: the CRD / DKD setting of CIFAR-100 KD.

The ``kd_cifar100`` terms of ``logit_kd_terms.py``: ``tau=4``, KD weight 0.9
and the student's cross-entropy at weight 0.1, as CRD's RepDistiller
(``-r 0.1 -a 0.9``) and DKD's mdistiller (``CFG.KD``) run KD on CIFAR-100.
The KL term is scaled by ``tau ** 2`` and averaged over the batch.
"""
_base_ = ['./kd_logits.py']

model = _base_.kd_cifar100
