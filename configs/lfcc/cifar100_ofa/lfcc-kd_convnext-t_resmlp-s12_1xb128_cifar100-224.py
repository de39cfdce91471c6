"""LFCC + KD: ConvNeXt-T -> ResMLP-S12, CIFAR-100 at 224 px.

``lfcc_convnext-t_resmlp-s12_1xb128_cifar100-224.py`` (cross-entropy +
LFCC) plus the KD row's logit KL (``kd_ofakd``: tau 1, weight 1). OFA-KD's
CIFAR-100 protocol: its released ConvNeXt-T teacher (converted with
``tools/model_converters/timm_upgrade.py``, see this folder's README), the
ResMLP-S12 student from scratch, OFA-KD's ViT / MLP recipe (AdamW,
vit_mlp.yaml), 1 GPU x 128. Taps: ResMLP-S12 blocks 10 / 12 (14x14 tokens) <-
ConvNeXt-T stages 3 / 4 (`stages.2` / `stages.3`, 14x14 / 7x7).
"""
_base_ = [
    './lfcc_convnext-t_resmlp-s12_1xb128_cifar100-224.py',
    '../../_base_/methods/logit_kd_terms.py',
]

model = dict(
    _base_.kd_ofakd,
    distiller=dict(
        _base_.kd_ofakd.distiller,
        student_recorders=dict(logits=dict(
            type='ModuleOutputs', source=_base_.resmlp_s12_logits)),
        teacher_recorders=dict(logits=dict(
            type='ModuleOutputs', source=_base_.convnext_t_logits))))
