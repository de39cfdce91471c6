"""lfcc_nonorm (ablation): no per-cell LayerNorm before the projections.

Our choice in ``LFCCConnector`` (``norm=True``) removes the very different
feature magnitudes of CNNs and transformers; this shows whether it matters.
"""
_base_ = ['./lfcc.py']

model = dict(
    distiller=dict(
        connectors=dict(
            s_mid=dict(norm=False),
            s_last=dict(norm=False),
            t_mid=dict(norm=False),
            t_last=dict(norm=False))))
