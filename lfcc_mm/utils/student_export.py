"""Keep the student of a distillation checkpoint, as a plain model."""
from __future__ import annotations

from collections import OrderedDict
from typing import Dict, Mapping

import torch

STUDENT_PREFIX = 'architecture.'


def extract_student_state_dict(
        state_dict: Mapping[str, torch.Tensor],
        prefix: str = STUDENT_PREFIX) -> 'OrderedDict[str, torch.Tensor]':
    """The student's weights of a distillation model, without the prefix.

    MMRazor distillation algorithms keep the student under
    ``architecture.``; everything else (``teacher.``, ``distiller.`` with
    its connectors and recorders, the algorithm's ``data_preprocessor.``)
    is dropped.

    Args:
        state_dict (Mapping[str, Tensor]): The algorithm's state dict
            (``checkpoint['state_dict']``).
        prefix (str): The student's prefix. Defaults to ``'architecture.'``.

    Returns:
        OrderedDict[str, Tensor]: Keys as in the plain student model,
        e.g. ``backbone.layers.0.ln1.weight``, in the original order.

    Raises:
        ValueError: If no key starts with ``prefix`` (not a distillation
            checkpoint).
    """
    student = OrderedDict((key[len(prefix):], value)
                          for key, value in state_dict.items()
                          if key.startswith(prefix))
    if not student:
        some = ', '.join(list(state_dict)[:5])
        raise ValueError(
            f'no key starts with {prefix!r}, so this is not a distillation '
            f'checkpoint (first keys: {some or "none"}).')
    return student


def dropped_key_groups(state_dict: Mapping[str, torch.Tensor],
                       prefix: str = STUDENT_PREFIX) -> Dict[str, int]:
    """Count the dropped keys per top-level name (for the export report).

    Args:
        state_dict (Mapping[str, Tensor]): The algorithm's state dict.
        prefix (str): The student's prefix. Defaults to ``'architecture.'``.

    Returns:
        dict[str, int]: e.g. ``{'teacher': 122, 'distiller': 8}``.
    """
    counts: Dict[str, int] = {}
    for key in state_dict:
        if not key.startswith(prefix):
            group = key.split('.', 1)[0]
            counts[group] = counts.get(group, 0) + 1
    return counts
