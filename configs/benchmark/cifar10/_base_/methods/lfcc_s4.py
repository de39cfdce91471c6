"""lfcc_s4 (ablation): one 4x4 scale, the finest grid alone.

At the 4x4 ResNet stages this is the whole map (no low-pass at all) and
at 8x8 token grids a 2x2 box filter; ``lfcc - lfcc_s4`` is what the coarse
scales (1x1, 2x2) add.
"""
_base_ = ['./lfcc.py']

model = dict(
    distiller=dict(
        connectors=dict(
            s_mid=dict(scales=(4, )),
            s_last=dict(scales=(4, )),
            t_mid=dict(scales=(4, )),
            t_last=dict(scales=(4, )))))
