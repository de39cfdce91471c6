import lfcc_mm  # noqa: F401  (compat shims before mmrazor)
import pytest
import torch
from mmrazor.registry import MODELS

from lfcc_bench.analysis.features import (StudentCheckpointError,
                                       load_student_checkpoint, record_maps,
                                       tapped_stages)


def test_stages_follow_the_loss_forward_mappings(build_tiny_model):
    stages = tapped_stages(build_tiny_model(0).distiller)
    assert [s.name for s in stages] == ['loss_lfcc_early', 'loss_lfcc_late']
    early = stages[0]
    assert early.student_record == dict(recorder='s2', from_student=True)
    assert early.teacher_record == dict(recorder='t0', from_student=False)
    assert early.scales == (1, 2, 4) and early.filter == 'avg'
    assert early.teacher_connector.layout == 'nlc'


def test_recorded_tokens_become_their_grid(build_tiny_model):
    model = build_tiny_model(0).eval()
    stages = tapped_stages(model.distiller)
    inputs = torch.randn(3, 3, 32, 32)
    teacher = record_maps(model, stages, inputs, from_student=False)
    student = record_maps(model, stages, inputs, from_student=True)
    assert teacher['loss_lfcc_early'].shape == (3, 32, 8, 8)
    assert student['loss_lfcc_early'].shape == (3, 8, 8, 8)
    assert student['loss_lfcc_late'].shape == (3, 8, 4, 4)
    # The cls token is dropped and token i lands at (i // 8, i % 8).
    tokens = model.distiller.teacher_recorders.get_recorder(
        't0').get_record_data()
    assert tokens.shape == (3, 65, 32)
    torch.testing.assert_close(teacher['loss_lfcc_early'][:, :, 2, 5],
                               tokens[:, 1 + 2 * 8 + 5])


@pytest.mark.parametrize('kind', ['full', 'plain'])
def test_student_checkpoint_in_both_formats(build_tiny_model, checkpoints,
                                            kind):
    source = build_tiny_model(1)  # the weights that were saved
    model = build_tiny_model(0)
    load_student_checkpoint(model.student, checkpoints[kind])
    for key, value in source.student.state_dict().items():
        torch.testing.assert_close(model.student.state_dict()[key], value)


def test_teacher_checkpoint_is_not_a_student(build_tiny_model, checkpoints):
    model = build_tiny_model(0)
    with pytest.raises(StudentCheckpointError, match='missing keys'):
        load_student_checkpoint(model.student, checkpoints['teacher'])


def _distiller(**mapping_changes):
    mapping = dict(
        preds_S=dict(from_student=True, recorder='s', connector='s'),
        preds_T=dict(from_student=False, recorder='t', connector='t'))
    mapping.update(mapping_changes)
    return MODELS.build(dict(
        type='CheckedDistiller',
        student_recorders=dict(s=dict(type='ModuleOutputs', source='a')),
        teacher_recorders=dict(t=dict(type='ModuleOutputs', source='b')),
        connectors=dict(
            s=dict(type='LFCCConnector', in_channels=4, scales=[1, 2]),
            t=dict(type='LFCCConnector', in_channels=4, scales=[1, 2, 4])),
        distill_losses=dict(loss_lfcc=dict(type='LFCCLoss')),
        loss_forward_mappings=dict(loss_lfcc=mapping)))


def test_unusable_mappings_raise_clear_errors():
    with pytest.raises(ValueError, match='must low-pass alike'):
        tapped_stages(_distiller())
    with pytest.raises(ValueError, match='preds_T has no connector'):
        tapped_stages(_distiller(preds_T=dict(from_student=False,
                                              recorder='t')))
    with pytest.raises(ValueError, match='exactly one student and one'):
        tapped_stages(_distiller(preds_T=dict(from_student=True,
                                              recorder='s', connector='s')))


def test_only_lfcc_losses_are_tapped_stages():
    """A logit KD loss next to the LFCC losses (as in the benchmark's LFCC
    runs) is skipped; a distiller without any LFCCLoss is an error."""
    distiller = MODELS.build(dict(
        type='CheckedDistiller',
        student_recorders=dict(s=dict(type='ModuleOutputs', source='a')),
        teacher_recorders=dict(t=dict(type='ModuleOutputs', source='b')),
        connectors=dict(
            s=dict(type='LFCCConnector', in_channels=4),
            t=dict(type='LFCCConnector', in_channels=4)),
        distill_losses=dict(
            loss_kd=dict(type='KLDivergence'),
            loss_lfcc=dict(type='LFCCLoss')),
        loss_forward_mappings=dict(
            loss_kd=dict(preds_S=dict(from_student=True, recorder='s'),
                         preds_T=dict(from_student=False, recorder='t')),
            loss_lfcc=dict(
                preds_S=dict(from_student=True, recorder='s', connector='s'),
                preds_T=dict(from_student=False, recorder='t',
                             connector='t')))))
    assert [s.name for s in tapped_stages(distiller)] == ['loss_lfcc']
    del distiller.distill_losses['loss_lfcc']
    del distiller.loss_forward_mappings['loss_lfcc']
    with pytest.raises(ValueError, match='no LFCCLoss'):
        tapped_stages(distiller)
