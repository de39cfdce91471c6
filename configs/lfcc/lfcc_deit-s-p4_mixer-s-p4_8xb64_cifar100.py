"""LFCC: DeiT-S/4 -> MLP-Mixer-S/4 on CIFAR-100 (32x32 inputs).

ViT -> MLP. Recipe: 8 GPUs x 64 (AdamW, 300 epochs, DeiT augmentations).
Run ``configs/teachers/deit-s-p4_in1k-pre_8xb64_cifar100.py`` first: it writes
the teacher checkpoint (ImageNet-1K weights fine-tuned on CIFAR-100).
Taps: DeiT-S/4 blocks 8 and 12 of 12 (8x8 tokens; the cls token is the 1x1 scale) ->
MLP-Mixer-S/4 blocks 6 and 8 of 8 (8x8 tokens).
"""
_base_ = [
    '../_base_/recipes/cifar100_adamw-300e-deit_8xb64.py',
    '../_base_/methods/lfcc_two_stages.py',
    '../_base_/models/cifar100_32px.py',
]

model = dict(
    architecture=_base_.mixer_s_p4_cifar100,
    teacher=_base_.deit_s_p4_cifar100,
    teacher_ckpt=_base_.deit_s_p4_cifar100_ckpt,
    teacher_data_preprocessor=_base_.deit_s_p4_cifar100_data_preprocessor,
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
