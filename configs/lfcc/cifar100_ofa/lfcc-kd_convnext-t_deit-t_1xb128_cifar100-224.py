"""LFCC + KD: ConvNeXt-T -> DeiT-T, CIFAR-100 at 224 px.

``lfcc_convnext-t_deit-t_1xb128_cifar100-224.py`` (cross-entropy +
LFCC) plus the KD row's logit KL (``kd_ofakd``: tau 1, weight 1). OFA-KD's
CIFAR-100 protocol: its released ConvNeXt-T teacher (converted with
``tools/model_converters/timm_upgrade.py``, see this folder's README), the
DeiT-T student from scratch, OFA-KD's ViT / MLP recipe (AdamW, vit_mlp.yaml), 1
GPU x 128. Taps: DeiT-T blocks 10 / 12 (14x14 tokens, cls dropped) <-
ConvNeXt-T stages 3 / 4 (`stages.2` / `stages.3`, 14x14 / 7x7).
"""
_base_ = [
    './lfcc_convnext-t_deit-t_1xb128_cifar100-224.py',
    '../../_base_/methods/logit_kd_terms.py',
]

model = dict(
    _base_.kd_ofakd,
    distiller=dict(
        _base_.kd_ofakd.distiller,
        student_recorders=dict(logits=dict(
            type='ModuleOutputs', source=_base_.deit_t_logits)),
        teacher_recorders=dict(logits=dict(
            type='ModuleOutputs', source=_base_.convnext_t_logits))))
