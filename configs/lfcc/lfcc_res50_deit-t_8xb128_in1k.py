"""LFCC: ResNet-50 -> DeiT-T on ImageNet-1K.

CNN -> ViT. Recipe: 8 GPUs x 128 (AdamW, 300 epochs, DeiT augmentations).
Taps: ResNet-50 layer3 / layer4 (14x14 / 7x7 maps) -> DeiT-T blocks 8 and 12 of
12 (14x14 tokens; the cls token is the 1x1 scale).
"""
_base_ = [
    '../_base_/recipes/in1k_adamw-300e-deit_8xb128.py',
    '../_base_/methods/lfcc_two_stages.py',
    '../_base_/models/imagenet_zoo.py',
]

model = dict(
    architecture=_base_.deit_t,
    teacher=_base_.resnet50,
    teacher_ckpt=_base_.resnet50_ckpt,
    teacher_data_preprocessor=_base_.resnet50_data_preprocessor,
    distiller=dict(
        student_recorders=dict(
            mid=dict(source='backbone.layers.7'),
            last=dict(source='backbone.layers.11')),
        teacher_recorders=dict(
            mid=dict(source='backbone.layer3'),
            last=dict(source='backbone.layer4')),
        connectors=dict(
            s_mid=dict(in_channels=192, layout='nlc', num_extra_tokens=1),
            s_last=dict(in_channels=192, layout='nlc', num_extra_tokens=1),
            t_mid=dict(in_channels=1024),
            t_last=dict(in_channels=2048))))
