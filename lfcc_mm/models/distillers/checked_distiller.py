"""CheckedDistiller: MMRazor's ConfigurableDistiller with build-time checks."""
from __future__ import annotations

import difflib
from typing import Dict, List, Optional

from mmrazor.models.distillers import ConfigurableDistiller
from mmrazor.models.task_modules.recorder import (ModuleInputsRecorder,
                                                  ModuleOutputsRecorder)
from mmrazor.models.task_modules.recorder.recorder_manager import \
    RecorderManager
from mmrazor.registry import MODELS
from torch import nn

from ..connectors.layout_connector import LayoutConnector


class RecorderSourceError(KeyError):
    """A recorder names a module path that the model does not have."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0])


def closest_module_paths(model: nn.Module, source: str, n: int = 5) -> List[str]:
    """Real module paths of ``model`` that look most like ``source``.

    Args:
        model (nn.Module): The model searched.
        source (str): The wrong path.
        n (int): How many suggestions. Defaults to 5.

    Returns:
        list[str]: Up to ``n`` paths, best first.
    """
    names = [name for name, _ in model.named_modules() if name]
    close = difflib.get_close_matches(source, names, n=n, cutoff=0.5)
    if len(close) < n:  # fall back to paths sharing the parent prefix
        parent = source.rsplit('.', 1)[0]
        close += [m for m in names if m.startswith(parent + '.')
                  and m.count('.') == source.count('.') and m not in close]
    return close[:n]


def check_recorder_sources(recorders: RecorderManager, model: nn.Module,
                           role: str) -> None:
    """Raise one clear error if a module recorder names no real module.

    Args:
        recorders (RecorderManager): Student or teacher recorders.
        model (nn.Module): The model they will hook.
        role (str): ``'student'`` or ``'teacher'`` (for the message).
    """
    paths = {name for name, _ in model.named_modules()}
    for rec_name, rec in recorders.recorders.items():
        if not isinstance(rec, (ModuleOutputsRecorder, ModuleInputsRecorder)):
            continue
        if rec.source not in paths:
            hint = closest_module_paths(model, rec.source)
            raise RecorderSourceError(
                f'{role}_recorders.{rec_name}: source {rec.source!r} is not a '
                f'module of the {role} ({type(model).__name__}). Closest '
                f'module paths: {hint or "none"}.')


@MODELS.register_module()
class CheckedDistiller(ConfigurableDistiller):
    """:class:`ConfigurableDistiller` that fails early with clear messages.

    Same arguments and behaviour as MMRazor's ``ConfigurableDistiller``, plus:

    - a distill loss whose name lacks ``'loss'`` is an error (mmengine would
      silently log it without back-propagating it);
    - a recorder ``source`` that is not a module path of the model raises
      :class:`RecorderSourceError` listing the closest real paths (instead of
      an ``AssertionError`` from inside the recorder);
    - each :class:`~lfcc_mm.models.connectors.LayoutConnector` gets its
      config key as its ``name``, so shape errors say which connector
      failed (``connectors.<key>``).
    """

    def __init__(self,
                 distill_losses: Optional[Dict[str, Dict]] = None,
                 **kwargs) -> None:
        for loss_name in distill_losses or {}:
            if 'loss' not in loss_name:
                raise ValueError(
                    f'distill_losses.{loss_name}: the name must contain '
                    '"loss", otherwise mmengine logs it but never '
                    f'back-propagates it (e.g. rename it to "loss_{loss_name}"'
                    ').')
        super().__init__(distill_losses=distill_losses, **kwargs)
        for name, connector in self.connectors.items():
            if isinstance(connector, LayoutConnector):
                connector.name = f'connectors.{name}'

    def prepare_from_student(self, model: nn.Module) -> None:
        """Check, then initialise the student recorders."""
        check_recorder_sources(self.student_recorders, model, 'student')
        super().prepare_from_student(model)

    def prepare_from_teacher(self, model: nn.Module) -> None:
        """Check, then initialise the teacher recorders."""
        check_recorder_sources(self.teacher_recorders, model, 'teacher')
        super().prepare_from_teacher(model)

