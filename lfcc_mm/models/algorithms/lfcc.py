"""LFCC: the frozen-teacher distillation algorithm under the method's name."""
from mmrazor.registry import MODELS

from .frozen_teacher_distill import FrozenTeacherDistill


@MODELS.register_module()
class LFCC(FrozenTeacherDistill):
    """Low-Frequency-Components-based Contrastive distillation (LFCC).

    Exactly :class:`FrozenTeacherDistill`; the name only says which method a
    config runs. Its distiller holds one :class:`LFCCConnector` pair and one
    :class:`LFCCLoss` per distilled stage (each loss with its own
    ``loss_weight``: that is the per-stage weight), see
    ``configs/_base_/methods/lfcc_two_stages.py``.
    """
