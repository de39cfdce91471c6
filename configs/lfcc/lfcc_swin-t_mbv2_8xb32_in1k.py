"""LFCC: Swin-T -> MobileNetV2 on ImageNet-1K.

ViT -> CNN. Recipe: 8 GPUs x 32, mmpretrain's MobileNetV2 recipe
(``_base_/recipes/in1k_sgd-300e-mbv2_8xb32.py``: SGD lr 0.045, wd 4e-5, 300
epochs, lr x0.98 per epoch).
Taps: Swin-T stages 3 and 4 ((tokens, hw) tuples, 14x14 / 7x7) -> MobileNetV2
layer5 / layer7 (14x14 / 7x7 maps).
"""
_base_ = [
    '../_base_/recipes/in1k_sgd-300e-mbv2_8xb32.py',
    '../_base_/methods/lfcc_two_stages.py',
    '../_base_/models/imagenet_zoo.py',
]

model = dict(
    architecture=_base_.mobilenet_v2,
    teacher=_base_.swin_t,
    teacher_ckpt=_base_.swin_t_ckpt,
    teacher_data_preprocessor=_base_.swin_t_data_preprocessor,
    distiller=dict(
        student_recorders=dict(
            mid=dict(source='backbone.layer5'),
            last=dict(source='backbone.layer7')),
        teacher_recorders=dict(
            mid=dict(source='backbone.stages.2'),
            last=dict(source='backbone.stages.3')),
        connectors=dict(
            s_mid=dict(in_channels=96),
            s_last=dict(in_channels=320),
            t_mid=dict(in_channels=384, layout='nlc'),
            t_last=dict(in_channels=768, layout='nlc'))))
