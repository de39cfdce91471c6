"""Collect the teacher and student feature maps that a distiller taps.

The distiller config already says what LFCC compares: each distillation loss
has a ``loss_forward_mappings`` entry naming one student recorder and one
teacher recorder, each with its connector. A *tapped stage* is one such
pair. The maps are read through the distiller's own recorders and turned
into ``(B, C, H, W)`` by the connector's ``to_map``, i.e. by
:func:`lfcc_mm.models.connectors.layouts.to_nchw` with the connector's
``layout``, ``num_extra_tokens`` and ``hw`` (plus its channel check), so the
analysis sees exactly the grid that the low-pass filters see in training.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Tuple

import torch
from torch import Tensor, nn

from lfcc_mm.checkpoint import CheckpointMismatchError, load_weights_from
from lfcc_mm.models.losses import LFCCLoss

# Keys of a loss_forward_mappings entry that ``get_record`` takes as is.
_RECORD_KEYS = ('recorder', 'from_student', 'record_idx', 'data_idx')


class StudentCheckpointError(CheckpointMismatchError):
    """A student checkpoint does not match the config's student."""


@dataclass(frozen=True)
class TappedStage:
    """One teacher/student feature pair that a distillation loss compares.

    Args:
        name (str): The distillation loss name, e.g. ``'loss_lfcc_s3'``.
        student_record (dict): ``get_record`` arguments of the student side
            (``recorder``, ``from_student``, optional ``record_idx`` and
            ``data_idx``), without the connector.
        teacher_record (dict): The same for the teacher side.
        student_connector (nn.Module): The student connector (its
            ``to_map`` gives ``(B, C, H, W)``).
        teacher_connector (nn.Module): The teacher connector.
        scales (tuple[int, ...]): The connectors' low-pass scales.
        filter (str): The connectors' low-pass filter, ``'avg'`` or
            ``'dct'``.
    """

    name: str
    student_record: Dict[str, Any]
    teacher_record: Dict[str, Any]
    student_connector: nn.Module
    teacher_connector: nn.Module
    scales: Tuple[int, ...]
    filter: str


def _connector(distiller: nn.Module, loss_name: str, key: str,
               record: Dict[str, Any]) -> nn.Module:
    """The connector of one mapping entry, checked to be LFCC-like."""
    where = f'loss_forward_mappings.{loss_name}.{key}'
    name = record.get('connector')
    if not name:
        raise ValueError(
            f'{where} has no connector; the analysis takes each feature\'s '
            'layout and low-pass scales from its LFCCConnector.')
    connector = distiller.connectors[name]
    missing = [a for a in ('to_map', 'scales', 'filter')
               if not hasattr(connector, a)]
    if missing:
        raise ValueError(
            f'{where}: connector {name!r} ({type(connector).__name__}) lacks '
            f'{missing}; use an LFCCConnector.')
    return connector


def tapped_stages(distiller: nn.Module) -> List[TappedStage]:
    """List the teacher/student pairs a distiller compares, in config order.

    Only :class:`~lfcc_mm.models.losses.LFCCLoss` entries are tapped stages;
    other losses of the same distiller (logit KD, OFA) are skipped.

    Args:
        distiller (nn.Module): A built ``CheckedDistiller`` (or any MMRazor
            ``ConfigurableDistiller``) with at least one ``LFCCLoss`` whose
            mapping pairs one student and one teacher record through
            LFCC-like connectors.

    Returns:
        list[TappedStage]: One per ``LFCCLoss``.
    """
    stages = []
    for loss_name, mapping in distiller.loss_forward_mappings.items():
        if not isinstance(distiller.distill_losses[loss_name], LFCCLoss):
            continue
        sides = {True: [], False: []}
        for key, record in mapping.items():
            sides[bool(record['from_student'])].append((key, record))
        if len(sides[True]) != 1 or len(sides[False]) != 1:
            raise ValueError(
                f'loss_forward_mappings.{loss_name} must name exactly one '
                f'student and one teacher record, got student '
                f'{[k for k, _ in sides[True]]} and teacher '
                f'{[k for k, _ in sides[False]]}.')
        (s_key, s_rec), (t_key, t_rec) = sides[True][0], sides[False][0]
        s_conn = _connector(distiller, loss_name, s_key, s_rec)
        t_conn = _connector(distiller, loss_name, t_key, t_rec)
        if (tuple(s_conn.scales) != tuple(t_conn.scales)
                or s_conn.filter != t_conn.filter):
            raise ValueError(
                f'loss_forward_mappings.{loss_name}: the student connector '
                f'{s_rec["connector"]!r} (scales={s_conn.scales}, filter='
                f'{s_conn.filter!r}) and the teacher connector '
                f'{t_rec["connector"]!r} (scales={t_conn.scales}, filter='
                f'{t_conn.filter!r}) must low-pass alike.')
        stages.append(
            TappedStage(
                name=loss_name,
                student_record={k: s_rec[k] for k in _RECORD_KEYS
                                if k in s_rec},
                teacher_record={k: t_rec[k] for k in _RECORD_KEYS
                                if k in t_rec},
                student_connector=s_conn,
                teacher_connector=t_conn,
                scales=tuple(s_conn.scales),
                filter=s_conn.filter))
    if not stages:
        raise ValueError('The distiller has no LFCCLoss: no tapped stage to '
                         'analyse (the tool needs an LFCC config).')
    return stages


@torch.no_grad()
def record_maps(algorithm: nn.Module, stages: List[TappedStage],
                inputs: Tensor, from_student: bool) -> Dict[str, Tensor]:
    """Run the student or the teacher on a batch and return its tapped maps.

    Args:
        algorithm (nn.Module): The built distillation algorithm (``LFCC`` or
            another ``SingleTeacherDistill``), in eval mode.
        stages (list[TappedStage]): From :func:`tapped_stages`.
        inputs (Tensor): ``(B, 3, H, W)`` preprocessed images.
        from_student (bool): Run the student (True) or the teacher (False).

    Returns:
        dict[str, Tensor]: Stage name -> float32 ``(B, C, H', W')`` map.
    """
    distiller = algorithm.distiller
    if from_student:
        model, recorders = algorithm.student, distiller.student_recorders
    else:
        model, recorders = algorithm.teacher, distiller.teacher_recorders
    with recorders:
        model(inputs, mode='tensor')
    maps = {}
    for stage in stages:
        if from_student:
            record, connector = stage.student_record, stage.student_connector
        else:
            record, connector = stage.teacher_record, stage.teacher_connector
        feature = distiller.get_record(**record)
        maps[stage.name] = connector.to_map(feature).float()
    return maps


def load_student_checkpoint(student: nn.Module, filename: str) -> None:
    """Load a student checkpoint strictly (:mod:`lfcc_mm.checkpoint`).

    Accepts a full distillation checkpoint (the student's weights under
    ``architecture.``; teacher and connector weights are ignored) and a
    plain student checkpoint, each as a bare state dict or under
    ``state_dict`` (mmengine Runner checkpoints).

    Args:
        student (nn.Module): The config's student (``algorithm.student``).
        filename (str): Local path or URL (mmengine resolves both), read
            with torch's weights-only unpickler.

    Raises:
        StudentCheckpointError: Listing missing, unexpected and mis-shaped
            keys.
        UnsafeCheckpointError: The file was refused by the safe loader.
    """
    load_weights_from(
        student, filename, 'student checkpoint',
        student_of_distillation=True, error=StudentCheckpointError,
        hint=f'The config\'s student is {type(student).__name__}; pass a '
        'checkpoint of this config (or of its student alone).')
