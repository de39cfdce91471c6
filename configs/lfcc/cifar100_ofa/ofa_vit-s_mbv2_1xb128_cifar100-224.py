"""OFA-KD: ViT-S -> MobileNetV2, CIFAR-100 at 224 px.

OFA-KD: branches at student stages 1-4, eps 1.0. OFA-KD's CIFAR-100 protocol:
its released ViT-S teacher (converted with
``tools/model_converters/timm_upgrade.py``, see this folder's README), the
MobileNetV2 student from scratch, OFA-KD's CNN recipe (SGD, cnn.yaml), 1 GPU x
128. Branches: MobileNetV2 stages 1-4 at OFA-KD's taps (`blocks.1`, `blocks.2`,
`blocks.4`, `bn2`); CNN branches of width 1280 (max(student, teacher) width, as
OFA-KD). MobileNetV2: branch losses weighted 0.1 (``--ofa-loss-weight 0.1``,
the authors' setting for this student, OFA-KD issue #32).
"""
_base_ = [
    './_base_/data_mbv2.py',
    './_base_/schedule_cnn.py',
    './_base_/runtime_distill.py',
    './_base_/ofa.py',
    './_base_/models.py',
]

model = dict(
    architecture=_base_.mbv2,
    teacher=_base_.vit_s,
    teacher_ckpt=_base_.vit_s_ckpt,
    distiller=dict(
        student_recorders=dict(
            logits=dict(source=_base_.mbv2_logits),
            stage1=dict(source='model.blocks.1'),
            stage2=dict(source='model.blocks.2'),
            stage3=dict(source='model.blocks.4'),
            stage4=dict(source='model.bn2')),
        teacher_recorders=dict(logits=dict(source=_base_.vit_s_logits)),
        connectors=dict(
            stage1=dict(in_channels=24, out_channels=1280),
            stage2=dict(in_channels=32, out_channels=1280),
            stage3=dict(in_channels=96, out_channels=1280),
            stage4=dict(in_channels=1280, out_channels=1280)),
        distill_losses={
            f'loss_ofa_stage{k}': dict(loss_weight=0.1)
            for k in (1, 2, 3, 4)
        }))
