"""Vanilla KD baseline: DeiT-S/4 -> ResNet-18 on CIFAR-100 (32x32 inputs).

ViT -> CNN. Recipe: 8 GPUs x 16 (SGD, 200 epochs).
Run ``configs/teachers/deit-s-p4_in1k-pre_8xb64_cifar100.py`` first: it writes
the teacher checkpoint (ImageNet-1K weights fine-tuned on CIFAR-100).
Same teacher, student and recipe as
``configs/lfcc/lfcc_deit-s-p4_res18_8xb16_cifar100.py``.
"""
_base_ = [
    '../../_base_/recipes/cifar100_sgd-200e_8xb16.py',
    '../../_base_/methods/kd_logits_cifar100.py',
    '../../_base_/models/cifar100_32px.py',
]

model = dict(
    architecture=_base_.resnet18_cifar100,
    teacher=_base_.deit_s_p4_cifar100,
    teacher_ckpt=_base_.deit_s_p4_cifar100_ckpt,
    teacher_data_preprocessor=_base_.deit_s_p4_cifar100_data_preprocessor,
    # ViT heads end in `head.layers.head`, not `head.fc`.
    distiller=dict(
        teacher_recorders=dict(logits=dict(source='head.layers.head'))))
