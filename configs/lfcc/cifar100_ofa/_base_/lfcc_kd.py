"""LFCC + KD on the protocol: ``lfcc.py`` plus this protocol's logit KD.

The KD term is exactly ``kd.py``'s (KL on the logits, ``tau=1``, weight 1,
OFA-KD's KD defaults), so ``LFCC+KD - KD`` is the effect of the LFCC losses
on this protocol. A pair config sets the ``logits`` recorders' ``source``.
"""
_base_ = ['./lfcc.py']

model = dict(
    distiller=dict(
        student_recorders=dict(logits=dict(type='ModuleOutputs')),
        teacher_recorders=dict(logits=dict(type='ModuleOutputs')),
        distill_losses=dict(
            loss_kd=dict(type='KLDivergence', tau=1, loss_weight=1)),
        loss_forward_mappings=dict(
            loss_kd=dict(
                preds_S=dict(from_student=True, recorder='logits'),
                preds_T=dict(from_student=False, recorder='logits')))))
