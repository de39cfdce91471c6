"""FrozenTeacherDistill: single-teacher distillation with a strictly loaded, frozen teacher."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Union

import torch
from mmengine.logging import MessageHub
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement
from mmrazor.models.algorithms import SingleTeacherDistill
from mmrazor.models.algorithms.base import LossResults
from mmrazor.registry import MODELS
from torch import nn

from lfcc_mm.checkpoint import (TEACHER_PREFIX, CheckpointMismatchError,
                                load_weights_from)


class TeacherCheckpointError(CheckpointMismatchError):
    """The teacher checkpoint does not match the teacher model."""


def load_teacher_checkpoint(teacher: nn.Module, filename: str) -> None:
    """Load ``filename`` into ``teacher`` strictly, after its upgrade hooks.

    Accepts plain state dicts, mmengine checkpoints (``state_dict`` key) and
    checkpoints of a distillation run whose student was this teacher
    (``architecture.`` prefix). Keys are matched by the teacher's own
    ``_load_from_state_dict`` machinery with the checkpoint's module
    versions, so a zoo file in an older layout that the model upgrades
    itself (e.g. mmcls Swin: ``backbone.norm.*`` and ``attn_mask`` buffers)
    loads; what is still missing, unexpected or mis-shaped then raises.

    Args:
        teacher (nn.Module): The teacher model.
        filename (str): Local path or URL (mmengine resolves both), read
            with torch's weights-only unpickler.

    Raises:
        TeacherCheckpointError: Listing missing, unexpected and mis-shaped
            keys.
        UnsafeCheckpointError: The file was refused by the safe loader.
    """
    load_weights_from(
        teacher, filename, 'teacher_ckpt', student_of_distillation=True,
        error=TeacherCheckpointError,
        hint='A teacher with random weights would silently ruin '
        'distillation; check the teacher config and the checkpoint.')


def _drop_frozen_teacher(module: 'FrozenTeacherDistill',
                         state_dict: Dict[str, Any], prefix: str,
                         local_metadata: Dict[str, Any]) -> None:
    """State-dict hook: leave out a teacher re-loaded from ``teacher_ckpt``.

    The module versions in ``_metadata`` stay (a few bytes).
    """
    if module.teacher_from_ckpt:
        for key in [k for k in state_dict
                    if k.startswith(prefix + TEACHER_PREFIX)]:
            del state_dict[key]


def _keep_frozen_teacher(module: 'FrozenTeacherDistill',
                         state_dict: Dict[str, Any], prefix: str,
                         *args: Any) -> None:
    """Load pre-hook: a state dict without ``teacher.*`` keeps the teacher.

    Only for a teacher re-loaded from ``teacher_ckpt`` and only when *no*
    teacher key is present; a partial teacher still fails strict loading.
    Its current tensors are put in, so mmengine's and torch's loaders (the
    Runner's resume and ``load_from``, ``tools/test.py``) see no missing key.
    """
    teacher_prefix = prefix + TEACHER_PREFIX
    if module.teacher_from_ckpt and not any(
            k.startswith(teacher_prefix) for k in state_dict):
        for key, value in module.teacher.state_dict().items():
            state_dict[teacher_prefix + key] = value


@MODELS.register_module()
class FrozenTeacherDistill(SingleTeacherDistill):
    """MMRazor's :class:`SingleTeacherDistill` with a frozen, strict teacher.

    The algorithm every method of this repository runs in (LFCC, KD, DKD,
    OFA, ...): only the distiller differs between methods, so a KD row and
    an LFCC row differ by their losses alone. Beyond the base class:

    - the teacher is kept entirely in eval mode (dropout, drop-path and
      BatchNorm), not only its norm layers, so its features are a
      deterministic function of the input;
    - ``teacher_ckpt`` is loaded strictly, after the teacher's own
      checkpoint-upgrade hooks: any key still missing, unexpected or
      mis-shaped raises :class:`TeacherCheckpointError`;
    - checkpoints stay small: a frozen teacher loaded from ``teacher_ckpt``
      is left out of :meth:`state_dict` (so out of every Runner
      checkpoint), and :meth:`load_state_dict` accepts a state dict without
      ``teacher.*`` keys by keeping the teacher it has (loaded from
      ``teacher_ckpt`` at build, on resume, test and export alike). A
      trainable teacher, or one without ``teacher_ckpt``, is saved;
    - distillation losses can be warmed up linearly over the first
      ``distill_warmup_iters`` training iterations (our choice, off by
      default; the iteration comes from mmengine's ``MessageHub``, so it
      survives ``--resume``).

    Nothing here is specific to one loss; :class:`~lfcc_mm.models.LFCC` is
    this class under the method's name.

    Args:
        distiller (dict): Distiller config.
        teacher (dict | BaseModel): Teacher config or model.
        teacher_ckpt (str, optional): Teacher weights, loaded strictly.
            When given and the teacher is frozen, checkpoints of this
            algorithm hold no teacher weights.
        distill_warmup_iters (int): Linear warm-up length of all
            ``distill.*`` losses. 0 disables it. Defaults to 0.
        **kwargs: Other :class:`SingleTeacherDistill` arguments
            (``architecture``, ``data_preprocessor``, ...).
    """

    def __init__(self,
                 distiller: dict,
                 teacher: Union[BaseModel, Dict],
                 teacher_ckpt: Optional[str] = None,
                 distill_warmup_iters: int = 0,
                 **kwargs) -> None:
        if distill_warmup_iters < 0:
            raise ValueError('distill_warmup_iters must be >= 0')
        super().__init__(distiller, teacher, teacher_ckpt=None, **kwargs)
        if teacher_ckpt:
            load_teacher_checkpoint(self.teacher, teacher_ckpt)
            self.teacher._is_init = True  # keep init_weights() off it
        self.teacher_ckpt = teacher_ckpt
        self._register_state_dict_hook(_drop_frozen_teacher)
        self._register_load_state_dict_pre_hook(
            _keep_frozen_teacher, with_module=True)
        self.distill_warmup_iters = distill_warmup_iters

    @property
    def teacher_from_ckpt(self) -> bool:
        """Whether the teacher is frozen and re-loaded from ``teacher_ckpt``.

        Then its weights are left out of this algorithm's state dict.
        """
        return bool(self.teacher_ckpt) and not self.teacher_trainable

    def distill_loss_factor(self) -> float:
        """Warm-up multiplier of the distillation losses at this iteration.

        Returns:
            float: ``min(1, (iter + 1) / distill_warmup_iters)``, or 1.
        """
        if not self.distill_warmup_iters:
            return 1.0
        cur_iter = MessageHub.get_current_instance().get_info('iter', 0)
        return min(1.0, (cur_iter + 1) / self.distill_warmup_iters)

    def loss(self,
             batch_inputs: torch.Tensor,
             data_samples: Optional[List[BaseDataElement]] = None
             ) -> LossResults:
        """Student task loss plus (warmed-up) distillation losses."""
        losses = super().loss(batch_inputs, data_samples)
        factor = self.distill_loss_factor()
        if factor != 1.0:
            losses = {
                k: v * factor if k.startswith('distill.') else v
                for k, v in losses.items()
            }
        return losses

    def train(self, mode: bool = True) -> 'FrozenTeacherDistill':
        """Set train mode; a frozen teacher always stays in eval mode."""
        super().train(mode)
        if not self.teacher_trainable:
            self.teacher.eval()
        return self
