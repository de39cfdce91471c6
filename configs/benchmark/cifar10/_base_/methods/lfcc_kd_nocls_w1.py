"""lfcc_kd_nocls_w1 (ablation): the earlier ``lfcc_kd``, both changes undone.

``lfcc_kd_w1`` with the mean of the patch tokens as the 1x1 scale
(``lfcc_nocls``'s connectors): this was ``lfcc_kd`` until the cls-token scale and the
half weight became the default.
"""
_base_ = ['./lfcc_kd_w1.py']

model = dict(
    distiller=dict(
        connectors=dict(
            s_mid=dict(_delete_=True, type='LFCCConnector'),
            s_last=dict(_delete_=True, type='LFCCConnector'),
            t_mid=dict(_delete_=True, type='LFCCConnector'),
            t_last=dict(_delete_=True, type='LFCCConnector'))))
