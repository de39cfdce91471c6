"""OFA-KD: Swin-T -> ResNet-18, CIFAR-100 at 224 px.

OFA-KD: branches at student stages 1-4, eps 1.0. OFA-KD's CIFAR-100 protocol:
its released Swin-T teacher (converted with
``tools/model_converters/timm_upgrade.py``, see this folder's README), the
ResNet-18 student from scratch, OFA-KD's CNN recipe (SGD, cnn.yaml), 1 GPU x
128. Branches: ResNet-18 stages 1-4 at OFA-KD's taps (`layer1`, `layer2`,
`layer3`, `layer4`); CNN branches of width 768 (max(student, teacher) width, as
OFA-KD).
"""
_base_ = [
    './_base_/data_res18.py',
    './_base_/schedule_cnn.py',
    './_base_/runtime_distill.py',
    './_base_/ofa.py',
    './_base_/models.py',
]

model = dict(
    architecture=_base_.res18,
    teacher=_base_.swin_t,
    teacher_ckpt=_base_.swin_t_ckpt,
    distiller=dict(
        student_recorders=dict(
            logits=dict(source=_base_.res18_logits),
            stage1=dict(source='model.layer1'),
            stage2=dict(source='model.layer2'),
            stage3=dict(source='model.layer3'),
            stage4=dict(source='model.layer4')),
        teacher_recorders=dict(logits=dict(source=_base_.swin_t_logits)),
        connectors=dict(
            stage1=dict(in_channels=64, out_channels=768),
            stage2=dict(in_channels=128, out_channels=768),
            stage3=dict(in_channels=256, out_channels=768),
            stage4=dict(in_channels=512, out_channels=768))))
