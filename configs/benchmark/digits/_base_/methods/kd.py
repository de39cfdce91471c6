"""kd: Hinton KD, cross-entropy + KL(teacher || student) on the logits.

MMRazor's ``KLDivergence`` (``tau=4``, weight 1, scaled by ``tau ** 2`` and
averaged over the batch) next to the student's cross-entropy (weight 1),
inside ``FrozenTeacherDistill`` with ``CheckedDistiller``: the algorithm and
distiller of every method here, so methods differ by their distiller alone.
Both models end in ``LinearClsHead``: the logits are ``head.fc``.
"""
model = dict(
    _scope_='mmrazor',
    type='FrozenTeacherDistill',
    distiller=dict(
        type='CheckedDistiller',
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
