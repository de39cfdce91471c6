"""FrozenTeacherDistill: single-teacher distillation with a strictly loaded, frozen teacher."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement
from mmrazor.models.algorithms import SingleTeacherDistill
from mmrazor.models.algorithms.base import LossResults
from mmrazor.registry import MODELS
from torch import nn

from lfcc_mm.checkpoint import (TEACHER_PREFIX, CheckpointMismatchError,
                                load_weights_from)

from ..warmup import check_warmup_length, linear_warmup_factor


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
      default; :mod:`lfcc_mm.models.warmup`, the one warm-up of lfcc_mm:
      the iteration comes from mmengine's ``MessageHub``, so it survives
      ``--resume``);
    - the teacher can see its inputs normalised as it was trained
      (``teacher_data_preprocessor``): the batch, normalised with the
      student's ``data_preprocessor`` statistics, is re-normalised to the
      teacher's, ``x_t = (x_s * std_s + mean_s - mean_t) / std_t``, and
      optionally resized, by a forward pre-hook on the teacher. Every
      teacher forward of this algorithm takes this path: the training
      ``loss()``, MMRazor's ``SingleTeacherDistillValLoop`` (which gives
      the teacher the algorithm's data preprocessor) and the analysis tools.
      The student is unaffected. Both must share the channel order
      (``to_rgb``), as mmpretrain's zoo configs do.

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
        teacher_data_preprocessor (dict, optional): The teacher's own input
            statistics: ``mean`` and ``std`` (per channel, in pixel units, as
            in the ``data_preprocessor`` of the teacher's mmpretrain config)
            and optionally ``size`` (int or ``(h, w)``: bilinear resize for a
            teacher trained at another resolution). None: the teacher sees
            the student's normalisation. Defaults to None.
        **kwargs: Other :class:`SingleTeacherDistill` arguments
            (``architecture``, ``data_preprocessor``, ...).
    """

    def __init__(self,
                 distiller: dict,
                 teacher: Union[BaseModel, Dict],
                 teacher_ckpt: Optional[str] = None,
                 distill_warmup_iters: int = 0,
                 teacher_data_preprocessor: Optional[dict] = None,
                 **kwargs) -> None:
        check_warmup_length(distill_warmup_iters, 'distill_warmup_iters',
                            type(self).__name__)
        super().__init__(distiller, teacher, teacher_ckpt=None, **kwargs)
        if teacher_ckpt:
            load_teacher_checkpoint(self.teacher, teacher_ckpt)
            self.teacher._is_init = True  # keep init_weights() off it
        self.teacher_ckpt = teacher_ckpt
        self._register_state_dict_hook(_drop_frozen_teacher)
        self._register_load_state_dict_pre_hook(
            _keep_frozen_teacher, with_module=True)
        self.distill_warmup_iters = distill_warmup_iters
        self._set_teacher_normalization(teacher_data_preprocessor)

    def _set_teacher_normalization(self, cfg: Optional[dict]) -> None:
        """Validate ``teacher_data_preprocessor`` and hook the teacher."""
        self.teacher_input_size: Optional[Tuple[int, int]] = None
        if cfg is None:
            return
        cfg = dict(cfg)
        unknown = sorted(set(cfg) - {'mean', 'std', 'size'})
        mean, std = cfg.get('mean'), cfg.get('std')
        if unknown or mean is None or std is None:
            raise ValueError(
                'teacher_data_preprocessor takes mean, std (per channel, in '
                'pixels, from the teacher\'s own mmpretrain config) and an '
                f'optional size; got keys {sorted(cfg)}.')
        mean_t = torch.as_tensor(mean, dtype=torch.float32).view(-1, 1, 1)
        std_t = torch.as_tensor(std, dtype=torch.float32).view(-1, 1, 1)
        student_mean = getattr(self.data_preprocessor, 'mean', None)
        channels = (student_mean.numel() if isinstance(
            student_mean, torch.Tensor) else mean_t.numel())
        if mean_t.numel() != std_t.numel() or mean_t.numel() != channels:
            raise ValueError(
                'teacher_data_preprocessor: mean and std need one value per '
                f'input channel ({channels}); got {list(mean)} and '
                f'{list(std)}.')
        if bool((std_t <= 0).any()):
            raise ValueError(
                f'teacher_data_preprocessor: std must be > 0, got {list(std)}')
        size = cfg.get('size')
        if size is not None:
            size = (size, size) if isinstance(size, int) else tuple(size)
            if len(size) != 2 or min(size) <= 0:
                raise ValueError('teacher_data_preprocessor: size must be an '
                                 f'int or (h, w) > 0, got {cfg["size"]}.')
            self.teacher_input_size = size
        # Not persistent: checkpoints keep their keys; the config is the
        # source of truth.
        self.register_buffer('teacher_mean', mean_t, persistent=False)
        self.register_buffer('teacher_std', std_t, persistent=False)
        self.teacher.register_forward_pre_hook(
            self._renormalize_teacher_inputs, with_kwargs=True)

    def teacher_inputs(self, inputs: torch.Tensor) -> torch.Tensor:
        """Re-normalise a student-normalised batch for the teacher.

        Args:
            inputs (Tensor): ``(B, C, H, W)``, the algorithm's
                ``data_preprocessor`` output.

        Returns:
            Tensor: ``(B, C, H', W')`` in the teacher's statistics
            (``H', W'`` = ``size`` when set, else ``H, W``). ``inputs``
            itself when no ``teacher_data_preprocessor`` is set.
        """
        if not hasattr(self, 'teacher_mean'):
            return inputs
        pre = self.data_preprocessor
        mean_s = getattr(pre, 'mean', None)
        std_s = getattr(pre, 'std', None)
        pixels = inputs
        if isinstance(mean_s, torch.Tensor) and isinstance(
                std_s, torch.Tensor):
            pixels = inputs * std_s + mean_s
        out = (pixels - self.teacher_mean) / self.teacher_std
        if (self.teacher_input_size is not None
                and tuple(out.shape[-2:]) != self.teacher_input_size):
            out = F.interpolate(
                out, size=self.teacher_input_size, mode='bilinear',
                align_corners=False)
        return out

    def _renormalize_teacher_inputs(
            self, module: nn.Module, args: Sequence[Any],
            kwargs: Dict[str, Any]) -> Tuple[Sequence[Any], Dict[str, Any]]:
        """Forward pre-hook of the teacher: swap in :meth:`teacher_inputs`.

        The teacher is called as ``teacher(inputs, ...)`` (``loss()``,
        analysis) or ``teacher(inputs=..., ...)`` (``val_step``).
        """
        if args and isinstance(args[0], torch.Tensor):
            args = (self.teacher_inputs(args[0]), *args[1:])
        elif isinstance(kwargs.get('inputs'), torch.Tensor):
            kwargs = dict(
                kwargs, inputs=self.teacher_inputs(kwargs['inputs']))
        return args, kwargs

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
        return linear_warmup_factor(self.distill_warmup_iters, by='iter')

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
