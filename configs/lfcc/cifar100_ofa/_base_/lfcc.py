"""LFCC (CE + LFCC) on the protocol: ``_base_/methods/lfcc_two_stages.py``.

Two tapped stage pairs (``mid``: the student's and teacher's third stage,
``last``: their fourth), one ``LFCCLoss`` each, next to the student's own
label-smoothed cross-entropy; no logit KD (that row is ``lfcc_kd.py``).
LFCC's own values (scales, filter, tau, weights) are the repository's
documented choices, not the paper's (which does not publish them).
"""
_base_ = ['../../../_base_/methods/lfcc_two_stages.py']
