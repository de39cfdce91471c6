"""lfcc_cls_kd (candidate): ``lfcc_kd`` with the cls-token 1x1 scale.

``lfcc_cls``'s ``global_token=True`` on every connector, plus the logit KD
of ``lfcc_kd`` (``tau=4``, weight 1).
"""
_base_ = ['./lfcc_kd.py']

model = dict(
    distiller=dict(
        connectors=dict(
            s_mid=dict(global_token=True),
            s_last=dict(global_token=True),
            t_mid=dict(global_token=True),
            t_last=dict(global_token=True))))
