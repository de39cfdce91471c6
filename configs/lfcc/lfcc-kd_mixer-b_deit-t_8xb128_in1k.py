"""LFCC + logit KD: MLP-Mixer-B/16 -> DeiT-T on ImageNet-1K.

``lfcc_mixer-b_deit-t_8xb128_in1k.py`` (cross-entropy + LFCC) plus the logit-KD
term of its KD baseline
``configs/baselines/kd/kd_mixer-b_deit-t_8xb128_in1k.py`` (``kd_in1k`` of
``_base_/methods/logit_kd_terms.py``: tau 1, KD weight 3). Compare with the KD
row to see what LFCC adds to KD, with the LFCC row for what KD adds to LFCC.
"""
_base_ = [
    './lfcc_mixer-b_deit-t_8xb128_in1k.py',
    '../_base_/methods/logit_kd_terms.py',
]

model = dict(
    _base_.kd_in1k,
    distiller=dict(
        _base_.kd_in1k.distiller,
        # ViT heads end in `head.layers.head`, not `head.fc`.
        student_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.layers.head'))))
