"""Vanilla KD baseline (Hinton et al.): KL divergence between the logits.

The loss of MMRazor's ``kd_logits_resnet34_resnet18_8xb32_in1k`` (``tau=1``,
``loss_weight=3``) inside ``FrozenTeacherDistill`` (frozen eval-mode teacher,
strict ``teacher_ckpt``; LFCC configs use the same class), so a KD row differs from its LFCC row by the loss alone.

The ``logits`` recorders default to ``head.fc`` (``LinearClsHead``: ResNet,
MobileNetV2, Swin, ConvNeXt, MLP-Mixer); a ViT side overrides its
``source`` with ``head.layers.head`` (``VisionTransformerClsHead``).
"""
model = dict(
    _scope_='mmrazor',
    type='FrozenTeacherDistill',
    distiller=dict(
        type='CheckedDistiller',
        student_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.fc')),
        teacher_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.fc')),
        distill_losses=dict(
            loss_kd=dict(type='KLDivergence', tau=1, loss_weight=3)),
        loss_forward_mappings=dict(
            loss_kd=dict(
                preds_S=dict(from_student=True, recorder='logits'),
                preds_T=dict(from_student=False, recorder='logits')))))
