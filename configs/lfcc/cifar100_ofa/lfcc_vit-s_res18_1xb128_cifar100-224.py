"""LFCC: ViT-S -> ResNet-18, CIFAR-100 at 224 px.

LFCC: cross-entropy + LFCC on two stage pairs. OFA-KD's CIFAR-100 protocol: its
released ViT-S teacher (converted with
``tools/model_converters/timm_upgrade.py``, see this folder's README), the
ResNet-18 student from scratch, OFA-KD's CNN recipe (SGD, cnn.yaml), 1 GPU x
128. Taps: ResNet-18 `layer3` / `layer4` (14x14 / 7x7) <- ViT-S blocks 10 / 12
of 12 (OFA-KD stages 3 / 4; 14x14 tokens, cls dropped).
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
    teacher=_base_.vit_s,
    teacher_ckpt=_base_.vit_s_ckpt,
    distiller=dict(
        student_recorders=dict(
            mid=dict(source='model.layer3'),
            last=dict(source='model.layer4')),
        teacher_recorders=dict(
            mid=dict(source='model.blocks.9'),
            last=dict(source='model.blocks.11')),
        connectors=dict(
            s_mid=dict(in_channels=256),
            s_last=dict(in_channels=512),
            t_mid=dict(in_channels=384, layout='nlc', num_extra_tokens=1),
            t_last=dict(in_channels=384, layout='nlc', num_extra_tokens=1))))
