"""lfcc_dct (ablation): the DCT low-pass instead of the box filter.

Same scales; each ``s x s`` grid keeps the lowest ``s x s``
DCT-II coefficients (an ideal frequency-domain low-pass, see
``lfcc_mm/models/connectors/low_pass.py``).
"""
_base_ = ['./lfcc.py']

model = dict(
    distiller=dict(
        connectors=dict(
            s_mid=dict(filter='dct'),
            s_last=dict(filter='dct'),
            t_mid=dict(filter='dct'),
            t_last=dict(filter='dct'))))
