"""extract_student_state_dict keeps architecture.* and strips the prefix."""
import pytest
import torch

from lfcc_mm.utils import dropped_key_groups, extract_student_state_dict

STATE = {
    'data_preprocessor.mean': torch.zeros(3),
    'architecture.backbone.w': torch.ones(2),
    'teacher.backbone.w': torch.zeros(5),
    'distiller.connectors.s2.proj.weight': torch.zeros(4),
    'architecture.head.fc.weight': torch.full((2, 2), 3.0),
}


def test_keeps_only_the_student_in_order():
    student = extract_student_state_dict(STATE)
    assert list(student) == ['backbone.w', 'head.fc.weight']
    assert student['head.fc.weight'] is STATE['architecture.head.fc.weight']


def test_counts_the_dropped_groups():
    assert dropped_key_groups(STATE) == {
        'data_preprocessor': 1, 'teacher': 1, 'distiller': 1}


def test_not_a_distillation_checkpoint():
    with pytest.raises(ValueError, match="no key starts with 'architecture.'"):
        extract_student_state_dict({'backbone.w': torch.ones(1)})
