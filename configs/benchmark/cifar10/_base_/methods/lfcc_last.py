"""lfcc_last (ablation): LFCC on the last tapped stage only (no ``mid``).

``lfcc - lfcc_last`` is what distilling a second, earlier stage adds. The
``last`` connectors and loss are ``lfcc``'s own (read from the base, so
they follow the default).
"""
_base_ = ['./lfcc.py']

model = dict(
    distiller=dict(
        student_recorders=dict(
            _delete_=True, last=dict(type='ModuleOutputs')),
        teacher_recorders=dict(
            _delete_=True, last=dict(type='ModuleOutputs')),
        connectors=dict(
            _delete_=True,
            s_last=_base_.model.distiller.connectors.s_last,
            t_last=_base_.model.distiller.connectors.t_last),
        distill_losses=dict(
            _delete_=True,
            loss_lfcc_last=_base_.model.distiller.distill_losses.
            loss_lfcc_last),
        loss_forward_mappings=dict(
            _delete_=True,
            loss_lfcc_last=dict(
                preds_S=dict(
                    from_student=True, recorder='last', connector='s_last'),
                preds_T=dict(
                    from_student=False, recorder='last',
                    connector='t_last')))))
