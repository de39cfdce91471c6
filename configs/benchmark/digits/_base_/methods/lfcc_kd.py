"""lfcc_kd: cross-entropy + LFCC on the two taps + the logit KD of ``kd``.

The repository's LFCC distiller (``configs/_base_/methods/
lfcc_two_stages.py``: one ``LFCCConnector`` per side and stage, scales
``(1, 2, 4)``, box filter, per-cell LayerNorm, ``embed_dim=128``; one
``LFCCLoss`` per stage, ``tau=0.1``, weight 1) on the ``mid`` and ``last``
taps, plus the very KL term of ``kd.py`` (``tau=4``, weight 1), as the
heterogeneous-KD literature's recipes add logit KD to their feature loss:
``lfcc_kd - kd`` is what the LFCC term adds. Inside ``FrozenTeacherDistill``
(the ``LFCC`` registry name is the same class). A pair config fills in the
recorders' sources and the connectors' channels and layouts from the
models' taps.
"""
_base_ = ['../../../../_base_/methods/lfcc_two_stages.py']

model = dict(
    type='FrozenTeacherDistill',
    distiller=dict(
        student_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.fc')),
        teacher_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.fc')),
        distill_losses=dict(
            loss_kd=dict(type='KLDivergence', tau=4, loss_weight=1.0)),
        loss_forward_mappings=dict(
            loss_kd=dict(
                preds_S=dict(from_student=True, recorder='logits'),
                preds_T=dict(from_student=False, recorder='logits')))))
