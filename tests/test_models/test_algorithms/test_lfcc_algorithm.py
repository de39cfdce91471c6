import pytest
import torch
from mmengine.logging import MessageHub
from mmrazor.registry import MODELS

from lfcc_mm.models import (LFCC, FrozenTeacherDistill, RecorderSourceError,
                            TeacherCheckpointError, load_teacher_checkpoint)


@pytest.fixture
def build(make_cfg):
    def _build(**kwargs) -> LFCC:
        torch.manual_seed(0)
        return MODELS.build(make_cfg(**kwargs))

    return _build


def test_teacher_stays_in_eval_mode_and_is_deterministic(batch, build):
    model = build()
    model.train()
    assert model.student.training
    assert not any(m.training for m in model.teacher.modules())
    feats = []
    for _ in range(2):
        model.loss(*batch)
        feats.append(
            model.distiller.teacher_recorders.get_recorder('t0').data_buffer[0])
    torch.testing.assert_close(feats[0], feats[1])


def test_gradients_reach_student_and_connectors_not_teacher(batch, build):
    model = build()
    model.train()
    losses = model.loss(*batch)
    losses['distill.loss_lfcc_0'].backward()
    assert all(p.grad is None for p in model.teacher.parameters())
    for name in ('s0', 't0'):
        grads = [p.grad for p in model.distiller.connectors[name].parameters()]
        assert all(g is not None and g.abs().sum() > 0 for g in grads)
    stem = model.student.backbone.conv1.weight.grad
    assert stem is not None and stem.abs().sum() > 0


def test_per_stage_weights_and_warmup(batch, build):
    model = build(weights=(1.0, 0.0), distill_warmup_iters=4)
    model.train()
    hub = MessageHub.get_current_instance()
    hub.update_info('iter', 0)
    early = model.loss(*batch)
    assert early['distill.loss_lfcc_1'].item() == 0.0
    hub.update_info('iter', 3)
    late = model.loss(*batch)
    # same inputs, same (eval) teacher, unchanged student weights: only the
    # warm-up factor differs, 1/4 at iteration 0 and 1 from iteration 3 on.
    torch.testing.assert_close(early['distill.loss_lfcc_0'] * 4,
                               late['distill.loss_lfcc_0'])
    torch.testing.assert_close(early['student.loss'], late['student.loss'])
    hub.update_info('iter', 0)


def test_teacher_checkpoint_is_loaded_strictly(tmp_path, build, tiny_vit):
    teacher = MODELS.build(tiny_vit)
    state = teacher.state_dict()
    good = tmp_path / 'teacher.pth'
    torch.save(dict(state_dict=state), good)
    model = build(teacher_ckpt=str(good))
    for k, v in model.teacher.state_dict().items():
        torch.testing.assert_close(v, state[k])

    bad = dict(state)
    bad.pop('head.layers.head.weight')
    bad['head.fc.weight'] = torch.zeros(1)
    torch.save(dict(state_dict=bad), tmp_path / 'bad.pth')
    with pytest.raises(TeacherCheckpointError,
                       match=r'1 missing keys \[head.layers.head.weight\], '
                       r'1 unexpected keys \[head.fc.weight\]'):
        build(teacher_ckpt=str(tmp_path / 'bad.pth'))


def test_distillation_checkpoint_can_serve_as_teacher(tmp_path, build,
                                                     tiny_cnn):
    """The student of a previous distillation run (keys prefixed with
    ``architecture.``) loads as a teacher."""
    first = build()
    path = tmp_path / 'distilled.pth'
    torch.save(dict(state_dict=first.state_dict()), path)
    teacher = MODELS.build(tiny_cnn)
    load_teacher_checkpoint(teacher, str(path))
    for k, v in first.student.state_dict().items():
        torch.testing.assert_close(teacher.state_dict()[k], v)


def test_wrong_recorder_source_lists_closest_paths(make_cfg):
    cfg = make_cfg()
    cfg['distiller']['student_recorders']['s0']['source'] = 'backbone.layer9'
    with pytest.raises(RecorderSourceError,
                       match=r"student_recorders.s0: source 'backbone.layer9'"
                       r" is not a module of the student.*backbone.layer1"):
        MODELS.build(cfg)
    cfg = make_cfg()
    cfg['distiller']['teacher_recorders']['t0']['source'] = 'backbone.layer.1'
    with pytest.raises(RecorderSourceError, match=r'backbone.layers.1'):
        MODELS.build(cfg)


def test_loss_names_without_loss_are_rejected(make_cfg):
    cfg = make_cfg()
    d = cfg['distiller']
    d['distill_losses'] = {'lfcc': d['distill_losses'].pop('loss_lfcc_0')}
    d['loss_forward_mappings'] = {
        'lfcc': d['loss_forward_mappings'].pop('loss_lfcc_0')}
    with pytest.raises(ValueError, match='distill_losses.lfcc: the name must '
                       'contain "loss"'):
        MODELS.build(cfg)


def test_tiny_training_reduces_the_total_loss(batch, build):
    model = build(weights=(1.0, 0.5))
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    optim = torch.optim.AdamW(params, lr=3e-3)
    totals = []
    for _ in range(30):
        losses = model.loss(*batch)
        total = sum(losses.values())
        optim.zero_grad()
        total.backward()
        optim.step()
        totals.append(total.item())
    assert sum(totals[-5:]) / 5 < 0.7 * sum(totals[:5]) / 5


def test_every_method_shares_the_frozen_teacher_algorithm(make_cfg):
    baseline = MODELS.build(make_cfg(type='FrozenTeacherDistill'))
    lfcc = MODELS.build(make_cfg(type='LFCC'))
    assert type(baseline) is FrozenTeacherDistill
    assert isinstance(lfcc, FrozenTeacherDistill)
    # LFCC is the same algorithm under the method's name: nothing added.
    assert not [k for k, v in vars(LFCC).items() if callable(v)]
