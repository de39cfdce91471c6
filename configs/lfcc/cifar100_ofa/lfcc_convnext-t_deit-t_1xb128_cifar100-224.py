"""LFCC: ConvNeXt-T -> DeiT-T, CIFAR-100 at 224 px.

LFCC: cross-entropy + LFCC on two stage pairs. OFA-KD's CIFAR-100 protocol: its
released ConvNeXt-T teacher (converted with
``tools/model_converters/timm_upgrade.py``, see this folder's README), the
DeiT-T student from scratch, OFA-KD's ViT / MLP recipe (AdamW, vit_mlp.yaml), 1
GPU x 128. Taps: DeiT-T blocks 10 / 12 (14x14 tokens, cls dropped) <-
ConvNeXt-T stages 3 / 4 (`stages.2` / `stages.3`, 14x14 / 7x7).
"""
_base_ = [
    './_base_/data_deit-t.py',
    './_base_/schedule_vit.py',
    './_base_/runtime_distill.py',
    './_base_/lfcc.py',
    './_base_/models.py',
]

model = dict(
    architecture=_base_.deit_t,
    teacher=_base_.convnext_t,
    teacher_ckpt=_base_.convnext_t_ckpt,
    distiller=dict(
        student_recorders=dict(
            mid=dict(source='model.blocks.9'),
            last=dict(source='model.blocks.11')),
        teacher_recorders=dict(
            mid=dict(source='model.stages.2'),
            last=dict(source='model.stages.3')),
        connectors=dict(
            s_mid=dict(in_channels=192, layout='nlc', num_extra_tokens=1),
            s_last=dict(in_channels=192, layout='nlc', num_extra_tokens=1),
            t_mid=dict(in_channels=384, layout='nchw'),
            t_last=dict(in_channels=768, layout='nchw'))))
