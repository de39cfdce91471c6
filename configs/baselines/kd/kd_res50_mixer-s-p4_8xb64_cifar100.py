"""Vanilla KD baseline: ResNet-50 -> MLP-Mixer-S/4 on CIFAR-100 (32x32 inputs).

CNN -> MLP. Recipe: 8 GPUs x 64 (AdamW, 300 epochs, DeiT augmentations).
Run ``configs/teachers/res50_in1k-pre_8xb16_cifar100.py`` first: it writes the
teacher checkpoint (ImageNet-1K weights fine-tuned on CIFAR-100).
Same teacher, student and recipe as
``configs/lfcc/lfcc_res50_mixer-s-p4_8xb64_cifar100.py``.
"""
_base_ = [
    '../../_base_/recipes/cifar100_adamw-300e-deit_8xb64.py',
    '../../_base_/methods/kd_logits_cifar100.py',
    '../../_base_/models/cifar100_32px.py',
]

model = dict(
    architecture=_base_.mixer_s_p4_cifar100,
    teacher=_base_.resnet50_cifar100,
    teacher_ckpt=_base_.resnet50_cifar100_ckpt,
    teacher_data_preprocessor=_base_.resnet50_cifar100_data_preprocessor)
