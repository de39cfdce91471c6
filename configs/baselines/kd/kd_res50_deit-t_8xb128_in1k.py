"""Vanilla KD baseline: ResNet-50 -> DeiT-T on ImageNet-1K.

CNN -> ViT. Recipe: 8 GPUs x 128 (AdamW, 300 epochs, DeiT augmentations).
Same teacher, student and recipe as
``configs/lfcc/lfcc_res50_deit-t_8xb128_in1k.py``.
"""
_base_ = [
    '../../_base_/recipes/in1k_adamw-300e-deit_8xb128.py',
    '../../_base_/methods/kd_logits.py',
    '../../_base_/models/imagenet_zoo.py',
]

model = dict(
    architecture=_base_.deit_t,
    teacher=_base_.resnet50,
    teacher_ckpt=_base_.resnet50_ckpt,
    teacher_data_preprocessor=_base_.resnet50_data_preprocessor,
    # ViT heads end in `head.layers.head`, not `head.fc`.
    distiller=dict(
        student_recorders=dict(logits=dict(source='head.layers.head'))))
