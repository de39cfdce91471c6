"""lfcc_mlp (ablation): a two-layer MLP projector (hidden width 512).

Each scale's projection into the compact space is ``Linear -> GELU ->
Linear`` (SimCLR's projection head) instead of one linear layer, on both
sides.
"""
_base_ = ['./lfcc.py']

model = dict(
    distiller=dict(
        connectors=dict(
            s_mid=dict(hidden_dim=512),
            s_last=dict(hidden_dim=512),
            t_mid=dict(hidden_dim=512),
            t_last=dict(hidden_dim=512))))
