"""LFCC: Swin-T -> ResNet-18, CIFAR-100 at 224 px.

LFCC: cross-entropy + LFCC on two stage pairs. OFA-KD's CIFAR-100 protocol: its
released Swin-T teacher (converted with
``tools/model_converters/timm_upgrade.py``, see this folder's README), the
ResNet-18 student from scratch, OFA-KD's CNN recipe (SGD, cnn.yaml), 1 GPU x
128. Taps: ResNet-18 `layer3` / `layer4` (14x14 / 7x7) <- Swin-T stage 3 / 4
(`layers.2` / `layers.3`, channels-last 14x14 / 7x7).
"""
_base_ = [
    './_base_/data_res18.py',
    './_base_/schedule_cnn.py',
    './_base_/runtime_distill.py',
    './_base_/lfcc.py',
    './_base_/models.py',
]

model = dict(
    architecture=_base_.res18,
    teacher=_base_.swin_t,
    teacher_ckpt=_base_.swin_t_ckpt,
    distiller=dict(
        student_recorders=dict(
            mid=dict(source='model.layer3'),
            last=dict(source='model.layer4')),
        teacher_recorders=dict(
            mid=dict(source='model.layers.2'),
            last=dict(source='model.layers.3')),
        connectors=dict(
            s_mid=dict(in_channels=256),
            s_last=dict(in_channels=512),
            t_mid=dict(in_channels=384, layout='nhwc'),
            t_last=dict(in_channels=768, layout='nhwc'))))
