"""lfcc_s1 (ablation): one 1x1 scale, i.e. global average pooling only.

No spatial low-pass: each stage is compared through its global mean
feature, so ``lfcc - lfcc_s1`` is what the 2x2 and 4x4 low-frequency
layouts add.
"""
_base_ = ['./lfcc.py']

model = dict(
    distiller=dict(
        connectors=dict(
            s_mid=dict(scales=(1, )),
            s_last=dict(scales=(1, )),
            t_mid=dict(scales=(1, )),
            t_last=dict(scales=(1, )))))
