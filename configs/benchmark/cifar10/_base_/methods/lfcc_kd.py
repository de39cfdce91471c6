"""lfcc_kd: ``lfcc`` plus the logit KD of ``kd`` (``tau=4``, weight 1).

The recipe of the heterogeneous-KD literature (feature loss + logit KD);
``lfcc_kd - kd`` isolates what the LFCC term adds to logit KD.
"""
_base_ = ['./lfcc.py']

model = dict(
    distiller=dict(
        student_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.fc')),
        teacher_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.fc')),
        distill_losses=dict(
            loss_kd=dict(type='KLDivergence', tau=4, loss_weight=1)),
        loss_forward_mappings=dict(
            loss_kd=dict(
                preds_S=dict(from_student=True, recorder='logits'),
                preds_T=dict(from_student=False, recorder='logits')))))
