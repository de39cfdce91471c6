"""OFA-KD baseline: DeiT-S -> ResNet-18 on ImageNet-1K.

ViT -> CNN. Recipe: 8 GPUs x 32 (SGD, 100 epochs).
Same teacher, student and recipe as
``configs/lfcc/lfcc_deit-s_res18_8xb32_in1k.py``.
Branches: ResNet-18 layer1-4 (56/28/14/7 maps); CNN branches of width 512.
"""
_base_ = [
    '../../_base_/recipes/in1k_sgd-100e_8xb32.py',
    '../../_base_/methods/ofa_logits.py',
    '../../_base_/models/imagenet_zoo.py',
]

model = dict(
    architecture=_base_.resnet18,
    teacher=_base_.deit_s,
    teacher_ckpt=_base_.deit_s_ckpt,
    teacher_data_preprocessor=_base_.deit_s_data_preprocessor,
    distiller=dict(
        # ViT heads end in `head.layers.head`, not `head.fc`.
        teacher_recorders=dict(logits=dict(source='head.layers.head')),
        student_recorders=dict(
            stage1=dict(source='backbone.layer1'),
            stage2=dict(source='backbone.layer2'),
            stage3=dict(source='backbone.layer3'),
            stage4=dict(source='backbone.layer4')),
        connectors=dict(
            stage1=dict(in_channels=64, out_channels=512),
            stage2=dict(in_channels=128, out_channels=512),
            stage3=dict(in_channels=256, out_channels=512),
            stage4=dict(in_channels=512, out_channels=512))))
