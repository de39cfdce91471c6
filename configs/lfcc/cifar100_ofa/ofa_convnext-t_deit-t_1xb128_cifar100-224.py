"""OFA-KD: ConvNeXt-T -> DeiT-T, CIFAR-100 at 224 px.

OFA-KD: branches at student stages 1-4, eps 1.0. OFA-KD's CIFAR-100 protocol:
its released ConvNeXt-T teacher (converted with
``tools/model_converters/timm_upgrade.py``, see this folder's README), the
DeiT-T student from scratch, OFA-KD's ViT / MLP recipe (AdamW, vit_mlp.yaml), 1
GPU x 128. Branches: DeiT-T stages 1-4 at OFA-KD's taps (`blocks.1`,
`blocks.3`, `blocks.9`, `blocks.11`); token branches of width 192 (the student
width, as OFA-KD) that keep the cls token and classify it (OFA-KD's
``distillers/ofa.py`` for students with a cls token).
"""
_base_ = [
    './_base_/data_deit-t.py',
    './_base_/schedule_vit.py',
    './_base_/runtime_distill.py',
    './_base_/ofa.py',
    './_base_/models.py',
]

model = dict(
    architecture=_base_.deit_t,
    teacher=_base_.convnext_t,
    teacher_ckpt=_base_.convnext_t_ckpt,
    distiller=dict(
        student_recorders=dict(
            logits=dict(source=_base_.deit_t_logits),
            stage1=dict(source='model.blocks.1'),
            stage2=dict(source='model.blocks.3'),
            stage3=dict(source='model.blocks.9'),
            stage4=dict(source='model.blocks.11')),
        teacher_recorders=dict(logits=dict(source=_base_.convnext_t_logits)),
        connectors=dict(
            stage1=dict(
                in_channels=192, out_channels=192, layout='nlc', hw=(14, 14),
                final_grid=7, num_extra_tokens=1, keep_extra_tokens=True),
            stage2=dict(
                in_channels=192, out_channels=192, layout='nlc', hw=(14, 14),
                final_grid=7, num_extra_tokens=1, keep_extra_tokens=True),
            stage3=dict(
                in_channels=192, out_channels=192, layout='nlc', hw=(14, 14),
                final_grid=7, num_extra_tokens=1, keep_extra_tokens=True),
            stage4=dict(
                in_channels=192, out_channels=192, layout='nlc', hw=(14, 14),
                final_grid=7, num_extra_tokens=1, keep_extra_tokens=True))))
