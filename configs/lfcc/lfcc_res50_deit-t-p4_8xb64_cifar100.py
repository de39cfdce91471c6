"""LFCC: ResNet-50 -> DeiT-T/4 on CIFAR-100 (32x32 inputs).

CNN -> ViT. Recipe: 8 GPUs x 64 (AdamW, 300 epochs, DeiT augmentations).
Run ``configs/teachers/res50_in1k-pre_8xb16_cifar100.py`` first: it writes the
teacher checkpoint (ImageNet-1K weights fine-tuned on CIFAR-100).
Taps: ResNet-50 layer3 / layer4 (8x8 / 4x4 maps) -> DeiT-T/4 blocks 8 and 12 of
12 (8x8 tokens; the cls token is the 1x1 scale).
"""
_base_ = [
    '../_base_/recipes/cifar100_adamw-300e-deit_8xb64.py',
    '../_base_/methods/lfcc_two_stages.py',
    '../_base_/models/cifar100_32px.py',
]

model = dict(
    architecture=_base_.deit_t_p4_cifar100,
    teacher=_base_.resnet50_cifar100,
    teacher_ckpt=_base_.resnet50_cifar100_ckpt,
    teacher_data_preprocessor=_base_.resnet50_cifar100_data_preprocessor,
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
