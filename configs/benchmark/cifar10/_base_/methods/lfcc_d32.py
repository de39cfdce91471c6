"""lfcc_d32 (ablation): a 32-d compact space instead of 128-d.
"""
_base_ = ['./lfcc.py']

model = dict(
    distiller=dict(
        connectors=dict(
            s_mid=dict(embed_dim=32),
            s_last=dict(embed_dim=32),
            t_mid=dict(embed_dim=32),
            t_last=dict(embed_dim=32))))
