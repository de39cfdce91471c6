"""Method registry and model configs: every pair builds and trains a step."""
from __future__ import annotations

import math

import pytest
import torch

import lfcc_mm  # noqa: F401
from lfcc_mm.bench import methods as methods_mod
from lfcc_mm.bench.methods import (METHODS, MethodHParams, build_method_model,
                                   register_method)
from lfcc_mm.bench.zoo import MODEL_SPECS, PAIRS, PairSpec


def _save_teacher(pair: PairSpec, path: str) -> str:
    from mmrazor.registry import MODELS as RAZOR
    teacher = RAZOR.build(pair.teacher_spec.classifier(10))
    torch.save(teacher.state_dict(), path)
    return path


def _batch(n: int = 4):
    from mmpretrain.structures import DataSample
    return (torch.randn(n, 3, 32, 32),
            [DataSample().set_gt_label(i % 10) for i in range(n)])


def test_scratch_is_plain_student_classifier():
    cfg = build_method_model('scratch', PAIRS['cnn2vit'], 10, None)
    assert cfg['type'] == 'ImageClassifier'
    assert cfg['backbone']['type'] == 'VisionTransformer'
    assert cfg['head']['num_classes'] == 10


def test_kd_config_has_only_logit_loss():
    cfg = build_method_model('kd', PAIRS['vit2cnn'], 10, 't.pth',
                             MethodHParams(kd_tau=3.0))
    distiller = cfg['distiller']
    assert list(distiller['distill_losses']) == ['loss_kd']
    assert distiller['distill_losses']['loss_kd']['tau'] == 3.0
    assert distiller['student_recorders']['logits_s']['source'] == 'head.fc'
    assert cfg['teacher_ckpt'] == 't.pth'


def test_lfcc_config_pairs_taps_with_matching_layouts():
    pair = PAIRS['vit2cnn']  # ViT teacher (nlc + cls), CNN student (nchw)
    cfg = build_method_model('lfcc', pair, 10, 't.pth',
                             MethodHParams(lfcc_weight=0.5))
    d = cfg['distiller']
    assert sorted(d['distill_losses']) == [
        'loss_kd', 'loss_lfcc_s3', 'loss_lfcc_s4']
    assert d['distill_losses']['loss_lfcc_s3']['loss_weight'] == 0.5
    assert d['connectors']['teacher_s3']['layout'] == 'nlc'
    assert d['connectors']['teacher_s3']['num_extra_tokens'] == 1
    assert d['connectors']['student_s3']['layout'] == 'nchw'
    assert d['connectors']['student_s3']['in_channels'] == 64
    no_kd = build_method_model('lfcc', pair, 10, 't.pth',
                               MethodHParams(lfcc_with_kd=False))
    assert 'loss_kd' not in no_kd['distiller']['distill_losses']


@pytest.mark.parametrize('pair_name', sorted(PAIRS))
@pytest.mark.parametrize('method', ['kd', 'lfcc', 'ofa'])
def test_every_pair_builds_and_backpropagates(pair_name, method, tmp_path):
    from mmrazor.registry import MODELS as RAZOR
    pair = PAIRS[pair_name]
    ckpt = _save_teacher(pair, str(tmp_path / 'teacher.pth'))
    model = RAZOR.build(build_method_model(method, pair, 10, ckpt))
    x, samples = _batch()
    losses = model(x, samples, mode='loss')
    expected = {'student.loss', 'distill.loss_kd'}
    if method == 'lfcc':
        expected |= {'distill.loss_lfcc_s3', 'distill.loss_lfcc_s4'}
    if method == 'ofa':  # OFA's loss replaces vanilla KD on the logits
        expected = {'student.loss', 'distill.loss_ofa_logits',
                    'distill.loss_ofa_s3', 'distill.loss_ofa_s4'}
    assert set(losses) == expected
    assert all(math.isfinite(v.item()) for v in losses.values())
    sum(losses.values()).backward()
    student_grads = [p.grad for p in model.architecture.parameters()
                     if p.requires_grad]
    assert all(g is not None for g in student_grads)
    assert all(p.grad is None for p in model.teacher.parameters())


def test_unknown_method_and_missing_teacher_are_clear_errors():
    with pytest.raises(KeyError, match="unknown method 'dkd'"):
        build_method_model('dkd', PAIRS['cnn2vit'], 10, 't.pth')
    with pytest.raises(ValueError, match="method 'kd' needs teacher_ckpt"):
        build_method_model('kd', PAIRS['cnn2vit'], 10, None)


def test_register_method_is_pluggable(monkeypatch):
    monkeypatch.setattr(methods_mod, 'METHODS', dict(METHODS))
    monkeypatch.setattr(methods_mod, 'NEEDS_TEACHER',
                        dict(methods_mod.NEEDS_TEACHER))

    @register_method('toy', needs_teacher=False)
    def toy(pair, num_classes, teacher_ckpt, hp):
        return dict(type='Toy', classes=num_classes, student=pair.student)

    assert build_method_model('toy', PAIRS['cnn2vit'], 7, None) == dict(
        type='Toy', classes=7, student='vit-t')
    with pytest.raises(KeyError, match="'toy' is already registered"):
        register_method('toy')(toy)


def test_pair_spec_validates_models_and_taps():
    with pytest.raises(KeyError, match="teacher 'vit-xl' is not one of"):
        PairSpec('bad', teacher='vit-xl', student='vit-t')
    with pytest.raises(KeyError, match=r"tap pair \('s9', 's3'\)"):
        PairSpec('bad', teacher='vit-s', student='vit-t',
                 taps=(('s9', 's3'), ))
    assert {MODEL_SPECS[p.teacher].family != MODEL_SPECS[p.student].family
            for p in PAIRS.values()} == {True}
