"""KD: Mixer-B/16 -> ResNet-18, CIFAR-100 at 224 px.

KD: KL on the logits, tau 1, weight 1. OFA-KD's CIFAR-100 protocol: its
released Mixer-B/16 teacher (converted with
``tools/model_converters/timm_upgrade.py``, see this folder's README), the
ResNet-18 student from scratch, OFA-KD's CNN recipe (SGD, cnn.yaml), 1 GPU x
128.
"""
_base_ = [
    './_base_/data_res18.py',
    './_base_/schedule_cnn.py',
    './_base_/runtime_distill.py',
    './_base_/kd.py',
    './_base_/models.py',
]

model = dict(
    architecture=_base_.res18,
    teacher=_base_.mixer_b,
    teacher_ckpt=_base_.mixer_b_ckpt,
    distiller=dict(
        student_recorders=dict(logits=dict(source=_base_.res18_logits)),
        teacher_recorders=dict(logits=dict(source=_base_.mixer_b_logits))))
