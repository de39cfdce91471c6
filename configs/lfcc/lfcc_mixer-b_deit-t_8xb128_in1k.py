"""LFCC: MLP-Mixer-B/16 -> DeiT-T on ImageNet-1K.

MLP -> ViT. Recipe: 8 GPUs x 128 (AdamW, 300 epochs, DeiT augmentations).
Taps: MLP-Mixer-B/16 blocks 8 and 12 of 12 (14x14 tokens) -> DeiT-T blocks 8
and 12 of 12 (14x14 tokens; the cls token is the 1x1 scale).
"""
_base_ = [
    '../_base_/recipes/in1k_adamw-300e-deit_8xb128.py',
    '../_base_/methods/lfcc_two_stages.py',
    '../_base_/models/imagenet_zoo.py',
]

model = dict(
    architecture=_base_.deit_t,
    teacher=_base_.mixer_b16,
    teacher_ckpt=_base_.mixer_b16_ckpt,
    teacher_data_preprocessor=_base_.mixer_b16_data_preprocessor,
    distiller=dict(
        student_recorders=dict(
            mid=dict(source='backbone.layers.7'),
            last=dict(source='backbone.layers.11')),
        teacher_recorders=dict(
            mid=dict(source='backbone.layers.7'),
            last=dict(source='backbone.layers.11')),
        connectors=dict(
            s_mid=dict(in_channels=192, layout='nlc', num_extra_tokens=1),
            s_last=dict(in_channels=192, layout='nlc', num_extra_tokens=1),
            t_mid=dict(in_channels=768, layout='nlc'),
            t_last=dict(in_channels=768, layout='nlc'))))
