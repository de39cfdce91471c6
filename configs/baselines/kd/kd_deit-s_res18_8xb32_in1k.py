"""Vanilla KD baseline: DeiT-S -> ResNet-18 on ImageNet-1K.

ViT -> CNN. Recipe: 8 GPUs x 32 (SGD, 100 epochs).
Same teacher, student and recipe as
``configs/lfcc/lfcc_deit-s_res18_8xb32_in1k.py``.
"""
_base_ = [
    '../../_base_/recipes/in1k_sgd-100e_8xb32.py',
    '../../_base_/methods/kd_logits.py',
    '../../_base_/models/imagenet_zoo.py',
]

model = dict(
    architecture=_base_.resnet18,
    teacher=_base_.deit_s,
    teacher_ckpt=_base_.deit_s_ckpt,
    teacher_data_preprocessor=_base_.deit_s_data_preprocessor,
    # ViT heads end in `head.layers.head`, not `head.fc`.
    distiller=dict(
        teacher_recorders=dict(logits=dict(source='head.layers.head'))))
