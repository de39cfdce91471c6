"""OFA-KD baseline: ResNet-50 -> DeiT-T/4 on CIFAR-100 (32x32 inputs).

CNN -> ViT. Recipe: 8 GPUs x 64 (AdamW, 300 epochs, DeiT augmentations).
Run ``configs/teachers/res50_in1k-pre_8xb16_cifar100.py`` first: it writes the
teacher checkpoint (ImageNet-1K weights fine-tuned on CIFAR-100).
Same teacher, student and recipe as
``configs/lfcc/lfcc_res50_deit-t-p4_8xb64_cifar100.py``.
Branches: DeiT-T/4 blocks 2, 4, 10 and 12 of 12 (8x8 tokens, cls token
kept and classified, as OFA-KD does); token branches of width 192.
"""
_base_ = [
    '../../_base_/recipes/cifar100_adamw-300e-deit_8xb64.py',
    '../../_base_/methods/ofa_logits_cifar100.py',
    '../../_base_/models/cifar100_32px.py',
]

# The token grid of every tap (shared by the four branches).
_grid = dict(layout='nlc', num_extra_tokens=1, hw=(8, 8), final_grid=4,
             keep_extra_tokens=True)

model = dict(
    architecture=_base_.deit_t_p4_cifar100,
    teacher=_base_.resnet50_cifar100,
    teacher_ckpt=_base_.resnet50_cifar100_ckpt,
    teacher_data_preprocessor=_base_.resnet50_cifar100_data_preprocessor,
    distiller=dict(
        student_recorders=dict(
            # ViT heads end in `head.layers.head`, not `head.fc`.
            logits=dict(source='head.layers.head'),
            stage1=dict(source='backbone.layers.1'),
            stage2=dict(source='backbone.layers.3'),
            stage3=dict(source='backbone.layers.9'),
            stage4=dict(source='backbone.layers.11')),
        connectors=dict(
            stage1=dict(in_channels=192, out_channels=192, **_grid),
            stage2=dict(in_channels=192, out_channels=192, **_grid),
            stage3=dict(in_channels=192, out_channels=192, **_grid),
            stage4=dict(in_channels=192, out_channels=192, **_grid))))
