"""LFCC (CE + LFCC) on the protocol: ``_base_/methods/lfcc_two_stages.py``.

Two tapped stage pairs (``mid``: the student's and teacher's third stage,
``last``: their fourth), one ``LFCCLoss`` each, next to the student's own
label-smoothed cross-entropy; no logit KD (each ``lfcc-kd_*`` row inherits
its ``lfcc_*`` row and adds the KD row's term, ``kd_ofakd`` of
``configs/_base_/methods/logit_kd_terms.py``).
LFCC's own values (scales, filter, cls token as the 1x1 scale, tau,
weight 0.5 per stage) are the repository's documented choices, not the
paper's (which does not publish them).
"""
_base_ = ['../../../_base_/methods/lfcc_two_stages.py']
