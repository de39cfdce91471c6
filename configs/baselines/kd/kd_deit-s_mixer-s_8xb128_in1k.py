"""Vanilla KD baseline: DeiT-S -> MLP-Mixer-S/16 on ImageNet-1K.

ViT -> MLP. Recipe: 8 GPUs x 128 (AdamW, 300 epochs, DeiT augmentations).
Same teacher, student and recipe as
``configs/lfcc/lfcc_deit-s_mixer-s_8xb128_in1k.py``.
"""
_base_ = [
    '../../_base_/recipes/in1k_adamw-300e-deit_8xb128.py',
    '../../_base_/methods/kd_logits.py',
    '../../_base_/models/imagenet_zoo.py',
]

model = dict(
    architecture=_base_.mixer_s16,
    teacher=_base_.deit_s,
    teacher_ckpt=_base_.deit_s_ckpt,
    teacher_data_preprocessor=_base_.deit_s_data_preprocessor,
    # ViT heads end in `head.layers.head`, not `head.fc`.
    distiller=dict(
        teacher_recorders=dict(logits=dict(source='head.layers.head'))))
