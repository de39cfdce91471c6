"""Vanilla KD baseline: ConvNeXt-T -> MLP-Mixer-S/16 on ImageNet-1K.

CNN -> MLP. Recipe: 8 GPUs x 128 (AdamW, 300 epochs, DeiT augmentations).
Same teacher, student and recipe as
``configs/lfcc/lfcc_convnext-t_mixer-s_8xb128_in1k.py``.
"""
_base_ = [
    '../../_base_/recipes/in1k_adamw-300e-deit_8xb128.py',
    '../../_base_/methods/kd_logits.py',
    '../../_base_/models/imagenet_zoo.py',
]

model = dict(
    architecture=_base_.mixer_s16,
    teacher=_base_.convnext_t,
    teacher_ckpt=_base_.convnext_t_ckpt,
    teacher_data_preprocessor=_base_.convnext_t_data_preprocessor)
