"""Python API of lfcc_mm: distil, load a student, list a model's taps.

Examples:
    >>> from lfcc_mm.apis import distill, init_student
    >>> result = distill('configs/benchmark/digits/'
    ...                  'lfcc_kd_resnet18-w16_vit-t_digits.py',
    ...                  work_dir='runs/x')          # trains, exports
    >>> model = init_student(result.config, result.checkpoint)
    >>> # any distillation config works too, with an exported student or
    >>> # a full distillation checkpoint; weights always load strictly:
    >>> model = init_student('configs/lfcc/lfcc_deit-s_res18_8xb32_in1k.py',
    ...                      'work_dirs/x/epoch_100.pth')
    >>> from mmpretrain.apis import ImageClassificationInferencer
    >>> ImageClassificationInferencer(model=model)('demo.jpg')

Importing this package imports :mod:`lfcc_mm` first (compat shims, then
the registered components).
"""
import importlib.util

import lfcc_mm  # noqa: F401 - shims before mmrazor; registers components

from .distill import DistillResult, distill, export_from_runner
from .student import (init_student, is_distillation_config, load_any_config,
                      student_config, student_model_cfg, write_student_config)

__all__ = [
    'DistillResult', 'distill', 'export_from_runner', 'init_student',
    'is_distillation_config', 'load_any_config', 'student_config',
    'student_model_cfg', 'write_student_config',
]

# --- list_taps -------------------------------------------------------------
# ``list_taps`` (a model's recorder sources, with shapes) is written in
# ``lfcc_mm/taps.py`` by another change; it is re-exported here once that
# module exists.
if importlib.util.find_spec('lfcc_mm.taps') is not None:
    from lfcc_mm.taps import list_taps  # noqa: F401,E402
    __all__.append('list_taps')
