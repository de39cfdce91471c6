"""OFA-KD baseline: MLP-Mixer-B/16 -> ResNet-18 on ImageNet-1K.

MLP -> CNN. Recipe: 8 GPUs x 32 (SGD, 100 epochs).
Same teacher, student and recipe as
``configs/lfcc/lfcc_mixer-b_res18_8xb32_in1k.py``.
Branches: ResNet-18 layer1-4 (56/28/14/7 maps); CNN branches of width 768.
"""
_base_ = [
    '../../_base_/recipes/in1k_sgd-100e_8xb32.py',
    '../../_base_/methods/ofa_logits.py',
    '../../_base_/models/imagenet_zoo.py',
]

model = dict(
    architecture=_base_.resnet18,
    teacher=_base_.mixer_b16,
    teacher_ckpt=_base_.mixer_b16_ckpt,
    teacher_data_preprocessor=_base_.mixer_b16_data_preprocessor,
    distiller=dict(
        student_recorders=dict(
            stage1=dict(source='backbone.layer1'),
            stage2=dict(source='backbone.layer2'),
            stage3=dict(source='backbone.layer3'),
            stage4=dict(source='backbone.layer4')),
        connectors=dict(
            stage1=dict(in_channels=64, out_channels=768),
            stage2=dict(in_channels=128, out_channels=768),
            stage3=dict(in_channels=256, out_channels=768),
            stage4=dict(in_channels=512, out_channels=768))))
