"""LFCC: ConvNeXt-T -> MLP-Mixer-S/16 on ImageNet-1K.

CNN -> MLP. Recipe: 8 GPUs x 128 (AdamW, 300 epochs, DeiT augmentations).
Taps: ConvNeXt-T stages 3 and 4 (14x14 / 7x7 maps) -> MLP-Mixer-S/16 blocks 6
and 8 of 8 (14x14 tokens).
"""
_base_ = [
    '../_base_/recipes/in1k_adamw-300e-deit_8xb128.py',
    '../_base_/methods/lfcc_two_stages.py',
    '../_base_/models/imagenet_zoo.py',
]

model = dict(
    architecture=_base_.mixer_s16,
    teacher=_base_.convnext_t,
    teacher_ckpt=_base_.convnext_t_ckpt,
    teacher_data_preprocessor=_base_.convnext_t_data_preprocessor,
    distiller=dict(
        student_recorders=dict(
            mid=dict(source='backbone.layers.5'),
            last=dict(source='backbone.layers.7')),
        teacher_recorders=dict(
            mid=dict(source='backbone.stages.2'),
            last=dict(source='backbone.stages.3')),
        connectors=dict(
            s_mid=dict(in_channels=512, layout='nlc'),
            s_last=dict(in_channels=512, layout='nlc'),
            t_mid=dict(in_channels=384),
            t_last=dict(in_channels=768))))
