"""lfcc_cls (candidate): the 1x1 scale of a ViT reads its cls token.

``LFCCConnector(global_token=True)`` on every connector: where the tapped
feature has a cls token (the ViT teacher ``vit-s``, the ViT student
``vit-t``), the global (1x1) scale is that token instead of the mean of the
patch tokens; CNN maps and Mixer tokens keep the mean. A ViT classifies
from its cls token, so its patch tokens may not hold what it knows.
"""
_base_ = ['./lfcc.py']

model = dict(
    distiller=dict(
        connectors=dict(
            s_mid=dict(global_token=True),
            s_last=dict(global_token=True),
            t_mid=dict(global_token=True),
            t_last=dict(global_token=True))))
