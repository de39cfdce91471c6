"""FeatureSpectrumAnalyzer: spectra and CKA of every stage a config taps.

For each tapped stage (see :mod:`lfcc_bench.analysis.features`) and each
student checkpoint it measures, on the same images:

- the DCT power spectrum of teacher and student maps and their
  low-frequency fraction at each connector scale
  (:mod:`lfcc_bench.analysis.spectrum`);
- linear CKA between teacher and student (:mod:`lfcc_bench.analysis.cka`,
  debiased estimator by default):

  ``raw``   both maps adaptively average-pooled to the smaller grid,
            ``(min(H_t, H_s), min(W_t, W_s))``: the larger map is
            box-filtered down to the smaller one's resolution, the smaller
            map is compared unchanged;
  ``s{k}``  both maps low-passed to ``k x k`` by the connectors' own filter
            (:func:`lfcc_mm.models.connectors.low_pass.low_pass`), i.e. the
            components that LFCC aligns at scale ``k``.

The teacher runs once; each student checkpoint is loaded into the config's
student in turn. Per image only the pooled/low-passed maps are kept, so
memory grows with ``num_images x C x min-grid`` rather than with full maps.
"""
from __future__ import annotations

import copy
from collections import defaultdict
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.utils.data import DataLoader

from lfcc_mm.models.connectors.low_pass import low_pass
from .cka import linear_cka
from .features import (TappedStage, load_student_checkpoint, record_maps,
                       tapped_stages)
from .spectrum import SpectrumMeter

# (spectrum meter, {'raw' | 's<k>': (N, C, h, w) maps}) of one stage.
_StageRecord = Tuple[SpectrumMeter, Dict[str, Tensor]]


def cka_keys(scales: Sequence[int]) -> List[str]:
    """Names of the CKA comparisons of a stage.

    Args:
        scales (Sequence[int]): The stage's low-pass scales.

    Returns:
        list[str]: ``['raw', 's1', 's2', ...]``.
    """
    return ['raw'] + [f's{s}' for s in scales]


class FeatureSpectrumAnalyzer:
    """Compare the tapped teacher and student features of a distiller.

    Args:
        algorithm (nn.Module): The built distillation algorithm (``LFCC``),
            with its teacher weights loaded. It is put in eval mode.
        dataloader (DataLoader): Unshuffled batches of mmengine
            ``pseudo_collate`` data, fed through the algorithm's
            ``data_preprocessor``.
        debiased_cka (bool): Use the unbiased HSIC estimator in
            :func:`~lfcc_bench.analysis.cka.linear_cka`, so that the
            high-dimensional raw comparison is not inflated. Defaults to True.
    """

    def __init__(self,
                 algorithm: nn.Module,
                 dataloader: DataLoader,
                 debiased_cka: bool = True) -> None:
        self.algorithm = algorithm.eval()
        self.dataloader = dataloader
        self.debiased_cka = debiased_cka
        self.stages: List[TappedStage] = tapped_stages(algorithm.distiller)
        self._initial_student = copy.deepcopy(
            algorithm.student.state_dict())

    def _batches(self) -> Iterator[Tensor]:
        """Yield preprocessed ``(B, 3, H, W)`` image batches."""
        for data in self.dataloader:
            yield self.algorithm.data_preprocessor(data, False)['inputs']

    def _map_sizes(self) -> Dict[str, Dict[str, List[int]]]:
        """Probe one batch for the ``[C, H, W]`` of every tapped map."""
        inputs = next(self._batches())
        sizes: Dict[str, Dict[str, List[int]]] = defaultdict(dict)
        for role, from_student in (('teacher', False), ('student', True)):
            maps = record_maps(self.algorithm, self.stages, inputs,
                               from_student)
            for name, x in maps.items():
                sizes[name][role] = list(x.shape[1:])
        return dict(sizes)

    def _collect(self, from_student: bool,
                 grids: Dict[str, Tuple[int, int]]) -> Dict[str, _StageRecord]:
        """One pass over the images for the teacher or the student."""
        meters = {stage.name: SpectrumMeter() for stage in self.stages}
        views: Dict[str, Dict[str, List[Tensor]]] = {
            stage.name: defaultdict(list) for stage in self.stages}
        for inputs in self._batches():
            maps = record_maps(self.algorithm, self.stages, inputs,
                               from_student)
            for stage in self.stages:
                x = maps[stage.name]
                meters[stage.name].update(x)
                stage_views = views[stage.name]
                stage_views['raw'].append(
                    F.adaptive_avg_pool2d(x, grids[stage.name]).cpu())
                for s in stage.scales:
                    stage_views[f's{s}'].append(
                        low_pass(x, s, stage.filter).cpu())
        return {
            name: (meters[name],
                   {key: torch.cat(chunks)
                    for key, chunks in views[name].items()})
            for name in meters
        }

    def run(self, students: Sequence[Tuple[str, Optional[str]]]) -> Dict:
        """Measure the teacher once and every student checkpoint.

        Args:
            students (Sequence[tuple[str, str | None]]): ``(label,
                checkpoint)`` pairs; checkpoint None analyses the student as
                the config builds it (random initialisation).

        Returns:
            dict: ``num_images``; ``cka_estimator`` (``'debiased'`` or
            ``'biased'``); ``stages`` (per stage: ``student_recorder``,
            ``teacher_recorder``, ``scales``, ``filter``, ``teacher_map`` and
            ``student_map`` ``[C, H, W]``, ``cka_grid`` ``[h, w]``);
            ``teacher`` (per stage: a :meth:`SpectrumMeter.summary`);
            ``students`` (per label: ``checkpoint``, ``spectra`` per stage,
            ``cka`` per stage ``{'raw': v, 's1': v, ...}``).
        """
        labels = [label for label, _ in students]
        if not labels or len(set(labels)) != len(labels):
            raise ValueError(f'student labels must be unique and non-empty, '
                             f'got {labels}')
        sizes = self._map_sizes()
        grids = {
            name: (min(s['teacher'][1], s['student'][1]),
                   min(s['teacher'][2], s['student'][2]))
            for name, s in sizes.items()
        }
        teacher = self._collect(False, grids)
        result: Dict = dict(
            num_images=len(next(iter(teacher.values()))[1]['raw']),
            cka_estimator='debiased' if self.debiased_cka else 'biased',
            stages={
                stage.name: dict(
                    student_recorder=stage.student_record['recorder'],
                    teacher_recorder=stage.teacher_record['recorder'],
                    scales=list(stage.scales),
                    filter=stage.filter,
                    teacher_map=sizes[stage.name]['teacher'],
                    student_map=sizes[stage.name]['student'],
                    cka_grid=list(grids[stage.name]))
                for stage in self.stages
            },
            teacher={
                stage.name: teacher[stage.name][0].summary(stage.scales)
                for stage in self.stages
            },
            students={})
        for label, checkpoint in students:
            if checkpoint is None:
                self.algorithm.student.load_state_dict(self._initial_student)
            else:
                load_student_checkpoint(self.algorithm.student, checkpoint)
            student = self._collect(True, grids)
            result['students'][label] = dict(
                checkpoint=checkpoint,
                spectra={
                    stage.name: student[stage.name][0].summary(stage.scales)
                    for stage in self.stages
                },
                cka={
                    stage.name: {
                        key: linear_cka(teacher[stage.name][1][key],
                                        student[stage.name][1][key],
                                        debiased=self.debiased_cka)
                        for key in cka_keys(stage.scales)
                    }
                    for stage in self.stages
                })
        return result
