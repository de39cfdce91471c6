"""lfcc_s12 (ablation): scales ``(1, 2)``, without the 4x4 scale.

The finest scale alone (``lfcc_s4``) was the worst ablation on every pair;
this keeps the multi-scale idea with the two lowest-frequency grids only.
"""
_base_ = ['./lfcc.py']

model = dict(
    distiller=dict(
        connectors=dict(
            s_mid=dict(scales=(1, 2)),
            s_last=dict(scales=(1, 2)),
            t_mid=dict(scales=(1, 2)),
            t_last=dict(scales=(1, 2)))))
