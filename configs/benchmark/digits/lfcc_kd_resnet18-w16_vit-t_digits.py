"""lfcc_kd: resnet18-w16 (CNN) -> vit-t (ViT), digits.

Cross-entropy + LFCC on the ``mid`` / ``last`` taps (ViT blocks 3 and 4 <-
ResNet stages 3 and 4) + the logit KD of ``kd``.

Teacher weights: ``work_dirs/resnet18-w16_digits/epoch_6.pth``, written by
``teachers/resnet18-w16_digits.py``; another file with
``--cfg-options model.teacher_ckpt=PATH``. Recorder sources and connector
fields are the taps of the CIFAR-10 grid's ``_base_/models/`` (a test checks
they agree).
"""
_base_ = [
    './_base_/student_run.py',
    '../cifar10/_base_/models/vit-t.py',
    '../cifar10/_base_/models/res18-w16.py',
    './_base_/methods/lfcc_kd.py',
]

model = dict(
    architecture=_base_.vit_t,
    teacher=_base_.res18_w16,
    teacher_ckpt='work_dirs/resnet18-w16_digits/epoch_6.pth',
    distiller=dict(
        student_recorders=dict(
            mid=dict(source='backbone.layers.2'),
            last=dict(source='backbone.layers.3')),
        teacher_recorders=dict(
            mid=dict(source='backbone.layer3'),
            last=dict(source='backbone.layer4')),
        connectors=dict(
            s_mid=dict(in_channels=96, layout='nlc', num_extra_tokens=1),
            s_last=dict(in_channels=96, layout='nlc', num_extra_tokens=1),
            t_mid=dict(in_channels=64),
            t_last=dict(in_channels=128))))
