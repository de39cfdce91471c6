"""LFCC: DeiT-S -> ResNet-18 on ImageNet-1K.

ViT -> CNN. Recipe: 8 GPUs x 32 (SGD, 100 epochs).
Taps: DeiT-S blocks 8 and 12 of 12 (14x14 tokens; the cls token is the 1x1 scale) ->
ResNet-18 layer3 / layer4 (14x14 / 7x7 maps).
"""
_base_ = [
    '../_base_/recipes/in1k_sgd-100e_8xb32.py',
    '../_base_/methods/lfcc_two_stages.py',
    '../_base_/models/imagenet_zoo.py',
]

model = dict(
    architecture=_base_.resnet18,
    teacher=_base_.deit_s,
    teacher_ckpt=_base_.deit_s_ckpt,
    teacher_data_preprocessor=_base_.deit_s_data_preprocessor,
    distiller=dict(
        student_recorders=dict(
            mid=dict(source='backbone.layer3'),
            last=dict(source='backbone.layer4')),
        teacher_recorders=dict(
            mid=dict(source='backbone.layers.7'),
            last=dict(source='backbone.layers.11')),
        connectors=dict(
            s_mid=dict(in_channels=256),
            s_last=dict(in_channels=512),
            t_mid=dict(in_channels=384, layout='nlc', num_extra_tokens=1),
            t_last=dict(in_channels=384, layout='nlc', num_extra_tokens=1))))
