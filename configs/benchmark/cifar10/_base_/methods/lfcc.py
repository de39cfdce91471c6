"""lfcc: cross-entropy + LFCC on the two taps (no logit KD).

The repository's LFCC distiller (``configs/_base_/methods/
lfcc_two_stages.py``: one ``LFCCConnector`` per side and stage, scales
``(1, 2, 4)``, box filter, per-cell LayerNorm, ``embed_dim=128``, a cls
token read as the 1x1 scale (``global_token=True``); one ``LFCCLoss`` per
stage, ``tau=0.1``, weight 0.5) on the ``mid`` and ``last`` taps, inside
``FrozenTeacherDistill`` (the algorithm of every method; the ``LFCC``
registry name is the same class). The generator fills in each connector's
channels and layout from the models' taps. The ``lfcc_*`` ablations each
change one of these choices.
"""
_base_ = ['../../../../_base_/methods/lfcc_two_stages.py']

model = dict(type='FrozenTeacherDistill')
