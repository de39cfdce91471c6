"""Vanilla KD baseline: MLP-Mixer-B/16 -> ResNet-18 on ImageNet-1K.

MLP -> CNN. Recipe: 8 GPUs x 32 (SGD, 100 epochs).
Same teacher, student and recipe as
``configs/lfcc/lfcc_mixer-b_res18_8xb32_in1k.py``.
"""
_base_ = [
    '../../_base_/recipes/in1k_sgd-100e_8xb32.py',
    '../../_base_/methods/kd_logits.py',
    '../../_base_/models/imagenet_zoo.py',
]

model = dict(
    architecture=_base_.resnet18,
    teacher=_base_.mixer_b16,
    teacher_ckpt=_base_.mixer_b16_ckpt,
    teacher_data_preprocessor=_base_.mixer_b16_data_preprocessor)
