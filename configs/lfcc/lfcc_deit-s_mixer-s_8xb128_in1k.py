"""LFCC: DeiT-S -> MLP-Mixer-S/16 on ImageNet-1K.

ViT -> MLP. Recipe: 8 GPUs x 128 (AdamW, 300 epochs, DeiT augmentations).
Taps: DeiT-S blocks 8 and 12 of 12 (14x14 tokens; the cls token is the 1x1 scale) ->
MLP-Mixer-S/16 blocks 6 and 8 of 8 (14x14 tokens).
"""
_base_ = [
    '../_base_/recipes/in1k_adamw-300e-deit_8xb128.py',
    '../_base_/methods/lfcc_two_stages.py',
    '../_base_/models/imagenet_zoo.py',
]

model = dict(
    architecture=_base_.mixer_s16,
    teacher=_base_.deit_s,
    teacher_ckpt=_base_.deit_s_ckpt,
    teacher_data_preprocessor=_base_.deit_s_data_preprocessor,
    distiller=dict(
        student_recorders=dict(
            mid=dict(source='backbone.layers.5'),
            last=dict(source='backbone.layers.7')),
        teacher_recorders=dict(
            mid=dict(source='backbone.layers.7'),
            last=dict(source='backbone.layers.11')),
        connectors=dict(
            s_mid=dict(in_channels=512, layout='nlc'),
            s_last=dict(in_channels=512, layout='nlc'),
            t_mid=dict(in_channels=384, layout='nlc', num_extra_tokens=1),
            t_last=dict(in_channels=384, layout='nlc', num_extra_tokens=1))))
