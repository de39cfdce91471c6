"""OFA-KD baseline: ResNet-50 -> DeiT-T on ImageNet-1K.

CNN -> ViT. Recipe: 8 GPUs x 128 (AdamW, 300 epochs, DeiT augmentations).
Same teacher, student and recipe as
``configs/lfcc/lfcc_res50_deit-t_8xb128_in1k.py``.
Branches: DeiT-T blocks 2, 4, 10 and 12 of 12 (14x14 tokens, cls token
kept and classified, as OFA-KD does); token branches of width 192.
"""
_base_ = [
    '../../_base_/recipes/in1k_adamw-300e-deit_8xb128.py',
    '../../_base_/methods/ofa_logits.py',
    '../../_base_/models/imagenet_zoo.py',
]

# The token grid of every tap (shared by the four branches).
_grid = dict(layout='nlc', num_extra_tokens=1, hw=(14, 14),
             keep_extra_tokens=True)

model = dict(
    architecture=_base_.deit_t,
    teacher=_base_.resnet50,
    teacher_ckpt=_base_.resnet50_ckpt,
    teacher_data_preprocessor=_base_.resnet50_data_preprocessor,
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
