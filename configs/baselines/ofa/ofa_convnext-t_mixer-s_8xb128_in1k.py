"""OFA-KD baseline: ConvNeXt-T -> MLP-Mixer-S/16 on ImageNet-1K.

CNN -> MLP. Recipe: 8 GPUs x 128 (AdamW, 300 epochs, DeiT augmentations).
Same teacher, student and recipe as
``configs/lfcc/lfcc_convnext-t_mixer-s_8xb128_in1k.py``.
Branches: MLP-Mixer-S/16 blocks 2, 4, 6 and 8 of 8 (14x14 tokens); token
branches of width 512.
"""
_base_ = [
    '../../_base_/recipes/in1k_adamw-300e-deit_8xb128.py',
    '../../_base_/methods/ofa_logits.py',
    '../../_base_/models/imagenet_zoo.py',
]

# The token grid of every tap (shared by the four branches).
_grid = dict(layout='nlc', hw=(14, 14))

model = dict(
    architecture=_base_.mixer_s16,
    teacher=_base_.convnext_t,
    teacher_ckpt=_base_.convnext_t_ckpt,
    teacher_data_preprocessor=_base_.convnext_t_data_preprocessor,
    distiller=dict(
        student_recorders=dict(
            stage1=dict(source='backbone.layers.1'),
            stage2=dict(source='backbone.layers.3'),
            stage3=dict(source='backbone.layers.5'),
            stage4=dict(source='backbone.layers.7')),
        connectors=dict(
            stage1=dict(in_channels=512, out_channels=512, **_grid),
            stage2=dict(in_channels=512, out_channels=512, **_grid),
            stage3=dict(in_channels=512, out_channels=512, **_grid),
            stage4=dict(in_channels=512, out_channels=512, **_grid))))
