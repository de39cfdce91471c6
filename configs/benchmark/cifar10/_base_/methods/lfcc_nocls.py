"""lfcc_nocls (ablation): the 1x1 scale is the mean of the patch tokens.

Every connector as ``LFCCConnector`` builds it by default
(``global_token=False``; the inherited connector is replaced, not
overridden, so the config is the one the earlier default ran): a ViT's cls
token is dropped, as for every other scale, and its 1x1 scale is the global
average of its patch tokens. Features without a cls token (CNN maps, Mixer
tokens) are read the same as in ``lfcc``, so on ``res18-w32 -> mixer-t``
this is ``lfcc`` itself and is not run.
"""
_base_ = ['./lfcc.py']

model = dict(
    distiller=dict(
        connectors=dict(
            s_mid=dict(_delete_=True, type='LFCCConnector'),
            s_last=dict(_delete_=True, type='LFCCConnector'),
            t_mid=dict(_delete_=True, type='LFCCConnector'),
            t_last=dict(_delete_=True, type='LFCCConnector'))))
