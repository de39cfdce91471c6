"""Vanilla KD baseline: Swin-T -> MobileNetV2 on ImageNet-1K.

ViT -> CNN. Recipe: 8 GPUs x 32, mmpretrain's MobileNetV2 recipe
(``_base_/recipes/in1k_sgd-300e-mbv2_8xb32.py``: SGD lr 0.045, wd 4e-5, 300
epochs, lr x0.98 per epoch).
Same teacher, student and recipe as
``configs/lfcc/lfcc_swin-t_mbv2_8xb32_in1k.py``.
"""
_base_ = [
    '../../_base_/recipes/in1k_sgd-300e-mbv2_8xb32.py',
    '../../_base_/methods/kd_logits.py',
    '../../_base_/models/imagenet_zoo.py',
]

model = dict(
    architecture=_base_.mobilenet_v2,
    teacher=_base_.swin_t,
    teacher_ckpt=_base_.swin_t_ckpt,
    teacher_data_preprocessor=_base_.swin_t_data_preprocessor)
