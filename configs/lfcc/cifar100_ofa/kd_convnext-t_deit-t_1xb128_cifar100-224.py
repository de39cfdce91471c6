"""KD: ConvNeXt-T -> DeiT-T, CIFAR-100 at 224 px.

KD: KL on the logits, tau 1, weight 1. OFA-KD's CIFAR-100 protocol: its
released ConvNeXt-T teacher (converted with
``tools/model_converters/timm_upgrade.py``, see this folder's README), the
DeiT-T student from scratch, OFA-KD's ViT / MLP recipe (AdamW, vit_mlp.yaml), 1
GPU x 128.
"""
_base_ = [
    './_base_/data_deit-t.py',
    './_base_/schedule_vit.py',
    './_base_/runtime_distill.py',
    './_base_/kd.py',
    './_base_/models.py',
]

model = dict(
    architecture=_base_.deit_t,
    teacher=_base_.convnext_t,
    teacher_ckpt=_base_.convnext_t_ckpt,
    distiller=dict(
        student_recorders=dict(logits=dict(source=_base_.deit_t_logits)),
        teacher_recorders=dict(logits=dict(source=_base_.convnext_t_logits))))
