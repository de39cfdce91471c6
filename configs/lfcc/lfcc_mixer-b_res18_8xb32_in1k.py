"""LFCC: MLP-Mixer-B/16 -> ResNet-18 on ImageNet-1K.

MLP -> CNN. Recipe: 8 GPUs x 32 (SGD, 100 epochs).
Taps: MLP-Mixer-B/16 blocks 8 and 12 of 12 (14x14 tokens) -> ResNet-18 layer3 /
layer4 (14x14 / 7x7 maps).
"""
_base_ = [
    '../_base_/recipes/in1k_sgd-100e_8xb32.py',
    '../_base_/methods/lfcc_two_stages.py',
    '../_base_/models/imagenet_zoo.py',
]

model = dict(
    architecture=_base_.resnet18,
    teacher=_base_.mixer_b16,
    teacher_ckpt=_base_.mixer_b16_ckpt,
    teacher_data_preprocessor=_base_.mixer_b16_data_preprocessor,
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
            t_mid=dict(in_channels=768, layout='nlc'),
            t_last=dict(in_channels=768, layout='nlc'))))
