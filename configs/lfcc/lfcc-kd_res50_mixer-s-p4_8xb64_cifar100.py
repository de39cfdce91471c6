"""LFCC + logit KD: ResNet-50 -> MLP-Mixer-S/4 on CIFAR-100 (32x32 inputs).

``lfcc_res50_mixer-s-p4_8xb64_cifar100.py`` (cross-entropy + LFCC) plus the
logit-KD term of its KD baseline
``configs/baselines/kd/kd_res50_mixer-s-p4_8xb64_cifar100.py`` (``kd_cifar100``
of ``_base_/methods/logit_kd_terms.py``: tau 4, KD weight 0.9, cross-entropy
weight 0.1). Compare with the KD row to see what LFCC adds to KD, with the LFCC
row for what KD adds to LFCC.
"""
_base_ = [
    './lfcc_res50_mixer-s-p4_8xb64_cifar100.py',
    '../_base_/methods/logit_kd_terms.py',
]

model = _base_.kd_cifar100
