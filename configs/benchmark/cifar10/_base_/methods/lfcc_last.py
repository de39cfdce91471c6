"""lfcc_last (ablation): LFCC on the last tapped stage only (no ``mid``).

``lfcc - lfcc_last`` is what distilling a second, earlier stage adds.
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
            s_last=dict(type='LFCCConnector'),
            t_last=dict(type='LFCCConnector')),
        distill_losses=dict(
            _delete_=True,
            loss_lfcc_last=dict(type='LFCCLoss', tau=0.1, loss_weight=1.0)),
        loss_forward_mappings=dict(
            _delete_=True,
            loss_lfcc_last=dict(
                preds_S=dict(
                    from_student=True, recorder='last', connector='s_last'),
                preds_T=dict(
                    from_student=False, recorder='last',
                    connector='t_last')))))
