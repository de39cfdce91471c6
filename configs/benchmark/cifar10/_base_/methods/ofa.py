"""ofa: OFA-KD (Hao et al., NeurIPS 2023), logit-space exits on the two taps.

``OFALoss`` (``eps=1.5``, ``T=1``, weight 1) on the student's final logits
and on one ``OFABranch`` exit per tapped stage (``mid`` / ``last``, the
stages LFCC distils; the paper branches every stage), all against the
teacher's logits, next to the student's cross-entropy. Branch sizes (the
generator fills them from the taps): CNN students keep the 4x4 maps (no
downsampling) at ``max(C_student, C_teacher)`` channels; token students
merge their 8x8 grid once (to 4x4) and run one transformer block at their
own width.
"""
_ofa_loss = dict(type='OFALoss', eps=1.5, temperature=1.0, loss_weight=1.0)
_teacher_logits = dict(from_student=False, recorder='logits')
_gt_labels = dict(from_student=True, recorder='gt_labels', data_idx=1)

model = dict(
    _scope_='mmrazor',
    type='FrozenTeacherDistill',
    distiller=dict(
        type='CheckedDistiller',
        student_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.fc'),
            gt_labels=dict(type='ModuleInputs', source='head.loss_module'),
            mid=dict(type='ModuleOutputs'),
            last=dict(type='ModuleOutputs')),
        teacher_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.fc')),
        connectors=dict(
            s_mid=dict(type='OFABranch', num_classes=10, num_blocks=1),
            s_last=dict(type='OFABranch', num_classes=10, num_blocks=1)),
        distill_losses=dict(
            loss_ofa_logits=_ofa_loss,
            loss_ofa_mid=_ofa_loss,
            loss_ofa_last=_ofa_loss),
        loss_forward_mappings=dict(
            loss_ofa_logits=dict(
                preds_S=dict(from_student=True, recorder='logits'),
                preds_T=_teacher_logits,
                gt_labels=_gt_labels),
            loss_ofa_mid=dict(
                preds_S=dict(
                    from_student=True, recorder='mid', connector='s_mid'),
                preds_T=_teacher_logits,
                gt_labels=_gt_labels),
            loss_ofa_last=dict(
                preds_S=dict(
                    from_student=True, recorder='last', connector='s_last'),
                preds_T=_teacher_logits,
                gt_labels=_gt_labels))))
