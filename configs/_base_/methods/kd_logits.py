"""Vanilla KD baseline (Hinton et al.): KL divergence between the logits.

The ``kd_in1k`` terms of ``logit_kd_terms.py`` (MMRazor's
``kd_logits_resnet34_resnet18_8xb32_in1k``: ``tau=1``, ``loss_weight=3``)
inside ``FrozenTeacherDistill`` (frozen eval-mode teacher, strict
``teacher_ckpt``; LFCC configs use the same class), so a KD row differs from
its LFCC row by the loss alone.

The ``logits`` recorders default to ``head.fc`` (``LinearClsHead``: ResNet,
MobileNetV2, Swin, ConvNeXt, MLP-Mixer); a ViT side overrides its
``source`` with ``head.layers.head`` (``VisionTransformerClsHead``).
"""
_base_ = ['./logit_kd_terms.py']

model = dict(_scope_='mmrazor', type='FrozenTeacherDistill', **_base_.kd_in1k)
