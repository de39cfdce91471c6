"""FrozenTeacherDistill: single-teacher distillation with a strictly loaded, frozen teacher."""
from __future__ import annotations

from typing import Dict, List, Optional, Union

import torch
from mmengine.logging import MessageHub
from mmengine.model import BaseModel
from mmengine.runner.checkpoint import _load_checkpoint
from mmengine.structures import BaseDataElement
from mmrazor.models.algorithms import SingleTeacherDistill
from mmrazor.models.algorithms.base import LossResults
from mmrazor.registry import MODELS
from torch import nn


class TeacherCheckpointError(RuntimeError):
    """The teacher checkpoint does not match the teacher model."""


def load_teacher_checkpoint(teacher: nn.Module, filename: str) -> None:
    """Load ``filename`` into ``teacher`` strictly.

    Accepts plain state dicts, mmengine checkpoints (``state_dict`` key) and
    checkpoints of a distillation run whose student was this teacher
    (``architecture.`` prefix).

    Args:
        teacher (nn.Module): The teacher model.
        filename (str): Local path or URL (mmengine resolves both).

    Raises:
        TeacherCheckpointError: Listing missing and unexpected keys.
    """
    ckpt = _load_checkpoint(filename, map_location='cpu')
    state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else ckpt
    if not isinstance(state, dict):
        raise TeacherCheckpointError(
            f'teacher_ckpt {filename!r} holds no state dict.')
    if state and all(k.startswith('architecture.') for k in state
                     if not k.startswith(('teacher.', 'distiller.',
                                          'data_preprocessor.'))):
        state = {k[len('architecture.'):]: v for k, v in state.items()
                 if k.startswith('architecture.')}
    own = teacher.state_dict()
    missing = sorted(set(own) - set(state))
    unexpected = sorted(set(state) - set(own))
    bad_shapes = sorted(k for k in set(own) & set(state)
                        if tuple(own[k].shape) != tuple(state[k].shape))
    if missing or unexpected or bad_shapes:
        def _few(keys: List[str]) -> str:
            return ', '.join(keys[:8]) + (' ...' if len(keys) > 8 else '')

        raise TeacherCheckpointError(
            f'teacher_ckpt {filename!r} does not match the teacher model: '
            f'{len(missing)} missing keys [{_few(missing)}], '
            f'{len(unexpected)} unexpected keys [{_few(unexpected)}], '
            f'{len(bad_shapes)} shape mismatches [{_few(bad_shapes)}]. '
            'A teacher with random weights would silently ruin distillation; '
            'check the teacher config and the checkpoint.')
    teacher.load_state_dict(state, strict=True)


@MODELS.register_module()
class FrozenTeacherDistill(SingleTeacherDistill):
    """MMRazor's :class:`SingleTeacherDistill` with a frozen, strict teacher.

    The algorithm every method of this repository runs in (LFCC, KD, DKD,
    OFA, ...): only the distiller differs between methods, so a KD row and
    an LFCC row differ by their losses alone. Beyond the base class:

    - the teacher is kept entirely in eval mode (dropout, drop-path and
      BatchNorm), not only its norm layers, so its features are a
      deterministic function of the input;
    - ``teacher_ckpt`` is loaded strictly: any missing, unexpected or
      mis-shaped key raises :class:`TeacherCheckpointError`;
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
        self.distill_warmup_iters = distill_warmup_iters

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
