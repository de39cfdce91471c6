"""LFCC + KD: ViT-S -> MobileNetV2, CIFAR-100 at 224 px.

``lfcc_vit-s_mbv2_1xb128_cifar100-224.py`` (cross-entropy +
LFCC) plus the KD row's logit KL (``kd_ofakd``: tau 1, weight 1). OFA-KD's
CIFAR-100 protocol: its released ViT-S teacher (converted with
``tools/model_converters/timm_upgrade.py``, see this folder's README), the
MobileNetV2 student from scratch, OFA-KD's CNN recipe (SGD, cnn.yaml), 1 GPU x
128. Taps: MobileNetV2 `blocks.4` / `bn2` (OFA-KD stages 3 / 4: 14x14 / 7x7) <-
ViT-S blocks 10 / 12 of 12 (OFA-KD stages 3 / 4; 14x14 tokens, cls dropped).
"""
_base_ = [
    './lfcc_vit-s_mbv2_1xb128_cifar100-224.py',
    '../../_base_/methods/logit_kd_terms.py',
]

model = dict(
    _base_.kd_ofakd,
    distiller=dict(
        _base_.kd_ofakd.distiller,
        student_recorders=dict(logits=dict(
            type='ModuleOutputs', source=_base_.mbv2_logits)),
        teacher_recorders=dict(logits=dict(
            type='ModuleOutputs', source=_base_.vit_s_logits))))
