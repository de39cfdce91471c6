"""student_state_dict keeps architecture.* and strips the prefix."""
from collections import OrderedDict

import pytest
import torch

from lfcc_mm.checkpoint import (CheckpointError, dropped_key_groups,
                                student_state_dict)

STATE = {
    'data_preprocessor.mean': torch.zeros(3),
    'architecture.backbone.w': torch.ones(2),
    'teacher.backbone.w': torch.zeros(5),
    'distiller.connectors.s2.proj.weight': torch.zeros(4),
    'architecture.head.fc.weight': torch.full((2, 2), 3.0),
}


def test_keeps_only_the_student_in_order():
    student = student_state_dict(STATE)
    assert list(student) == ['backbone.w', 'head.fc.weight']
    assert student['head.fc.weight'] is STATE['architecture.head.fc.weight']


def test_counts_the_dropped_groups():
    assert dropped_key_groups(STATE) == {
        'data_preprocessor': 1, 'teacher': 1, 'distiller': 1}


def test_not_a_distillation_checkpoint():
    with pytest.raises(CheckpointError,
                       match="no key starts with 'architecture.'"):
        student_state_dict({'backbone.w': torch.ones(1)})


def test_module_versions_follow_the_keys():
    """``_metadata`` holds the versions mmpretrain's upgrade hooks read."""
    state = OrderedDict(STATE)
    state._metadata = OrderedDict([
        ('', dict(version=1)), ('architecture', dict(version=1)),
        ('architecture.backbone', dict(version=2)),
        ('teacher.backbone', dict(version=3))])
    student = student_state_dict(state)
    assert student._metadata == OrderedDict([('', dict(version=1)),
                                             ('backbone', dict(version=2))])
