"""Each teacher sees its inputs normalised as it was trained.

The teacher here has MLP-Mixer-B/16's own statistics (mean = std = 127.5,
read from ``configs/_base_/models/imagenet_zoo.py``) and the student
ImageNet's; the batch goes through the algorithm's data preprocessor exactly
as in training and validation.
"""
import copy
from pathlib import Path

import pytest
import torch
from mmengine import Config
from mmpretrain.structures import DataSample
from mmrazor.registry import MODELS

from lfcc_mm.models import FrozenTeacherDistill

ZOO = Config.fromfile(
    str(Path(__file__).resolve().parents[3] / 'configs' / '_base_' /
        'models' / 'imagenet_zoo.py'))
IMAGENET = dict(
    type='mmpretrain.ClsDataPreprocessor',
    num_classes=4,
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    to_rgb=True)
TINY_MIXER = dict(
    type='ImageClassifier', _scope_='mmpretrain',
    backbone=dict(type='MlpMixer', img_size=32, patch_size=8,
                  arch=dict(embed_dims=16, num_layers=1, tokens_mlp_dims=8,
                            channels_mlp_dims=16)),
    neck=dict(type='GlobalAveragePooling', dim=1),
    head=dict(type='LinearClsHead', num_classes=4, in_channels=16,
              loss=dict(type='CrossEntropyLoss')))
TINY_CNN = dict(
    type='ImageClassifier', _scope_='mmpretrain',
    backbone=dict(type='ResNet_CIFAR', depth=18, stem_channels=8,
                  base_channels=8),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=4, in_channels=64,
              loss=dict(type='CrossEntropyLoss')))


def _build(teacher_data_preprocessor=None, teacher=TINY_MIXER,
           **kwargs) -> FrozenTeacherDistill:
    torch.manual_seed(0)
    logits = dict(type='ModuleOutputs', source='head.fc')
    return MODELS.build(dict(
        type='FrozenTeacherDistill',
        architecture=copy.deepcopy(TINY_CNN),
        teacher=copy.deepcopy(teacher),
        data_preprocessor=dict(IMAGENET),
        teacher_data_preprocessor=teacher_data_preprocessor,
        distiller=dict(
            type='CheckedDistiller',
            student_recorders=dict(logits=logits),
            teacher_recorders=dict(logits=logits),
            distill_losses=dict(loss_kd=dict(type='KLDivergence', tau=1)),
            loss_forward_mappings=dict(loss_kd=dict(
                preds_S=dict(from_student=True, recorder='logits'),
                preds_T=dict(from_student=False, recorder='logits')))),
        **kwargs))


def _white_batch(size=32):
    """Two all-255 images (uint8, as a dataloader gives them)."""
    inputs = [torch.full((3, size, size), 255, dtype=torch.uint8)] * 2
    samples = [DataSample().set_gt_label(i) for i in (0, 1)]
    return dict(inputs=inputs, data_samples=samples)


def _record_input(module):
    seen = []
    module.register_forward_pre_hook(lambda m, args: seen.append(args[0]))
    return seen


def test_zoo_mixer_statistics_are_its_mmpretrain_configs():
    assert ZOO.mixer_b16_data_preprocessor == dict(
        mean=[127.5] * 3, std=[127.5] * 3)


def test_white_image_reaches_the_mixer_backbone_as_one():
    model = _build(ZOO.mixer_b16_data_preprocessor)
    teacher_in = _record_input(model.teacher.backbone)
    student_in = _record_input(model.student.backbone)
    data = model.data_preprocessor(_white_batch(), training=True)
    model(mode='loss', **data)

    torch.testing.assert_close(teacher_in[-1],
                               torch.ones(2, 3, 32, 32))
    # The student keeps its own (ImageNet) normalisation.
    expected = (255 - torch.tensor(IMAGENET['mean'])) / torch.tensor(
        IMAGENET['std'])
    torch.testing.assert_close(student_in[-1],
                               expected.view(1, 3, 1, 1).expand(2, 3, 32, 32))


def test_without_it_the_teacher_gets_the_student_normalisation():
    """The defect this fixes: ~2.2x the Mixer's input scale."""
    model = _build(None)
    teacher_in = _record_input(model.teacher.backbone)
    model(mode='loss', **model.data_preprocessor(_white_batch(), True))
    assert teacher_in[-1].min() > 2.0


def test_val_loop_path_renormalises_the_teacher_too():
    """MMRazor's SingleTeacherDistillValLoop runs ``teacher.val_step`` with
    the algorithm's data preprocessor (keyword ``inputs=``)."""
    model = _build(ZOO.mixer_b16_data_preprocessor).eval()
    model.teacher.data_preprocessor = model.data_preprocessor  # as the loop
    teacher_in = _record_input(model.teacher.backbone)
    model.teacher.val_step(_white_batch())
    torch.testing.assert_close(teacher_in[-1], torch.ones(2, 3, 32, 32))


def test_student_loss_and_gradients_do_not_change():
    gen = torch.Generator().manual_seed(1)
    batch = dict(
        inputs=[torch.randint(0, 256, (3, 32, 32), dtype=torch.uint8,
                              generator=gen) for _ in range(2)],
        data_samples=[DataSample().set_gt_label(i) for i in (2, 3)])
    results = []
    for pre in (None, ZOO.mixer_b16_data_preprocessor):
        model = _build(pre)
        losses = model(mode='loss', **model.data_preprocessor(batch, True))
        losses['student.loss'].backward()
        grads = {n: p.grad.clone()
                 for n, p in model.student.named_parameters()}
        results.append((losses, grads))
    (plain, g_plain), (renorm, g_renorm) = results
    torch.testing.assert_close(plain['student.loss'], renorm['student.loss'])
    for name, grad in g_plain.items():
        torch.testing.assert_close(grad, g_renorm[name], msg=name)
    # The teacher's logits (hence the KD term) do change.
    assert not torch.allclose(plain['distill.loss_kd'],
                              renorm['distill.loss_kd'])


def test_identical_statistics_are_a_no_op():
    pre = dict(mean=IMAGENET['mean'], std=IMAGENET['std'])
    model = _build(pre)
    data = model.data_preprocessor(_white_batch(), training=True)
    torch.testing.assert_close(model.teacher_inputs(data['inputs']),
                               data['inputs'])


def test_size_resizes_only_the_teacher_input():
    """A teacher trained at 16 px gets 16 px; the student keeps 32 px."""
    teacher = copy.deepcopy(TINY_MIXER)
    teacher['backbone'].update(img_size=16, patch_size=4)
    model = _build(dict(mean=[127.5] * 3, std=[127.5] * 3, size=16),
                   teacher=teacher)
    teacher_in = _record_input(model.teacher.backbone)
    student_in = _record_input(model.student.backbone)
    data = model.data_preprocessor(_white_batch(), True)
    losses = model(mode='loss', **data)
    torch.testing.assert_close(teacher_in[-1], torch.ones(2, 3, 16, 16))
    assert tuple(student_in[-1].shape) == (2, 3, 32, 32)
    assert torch.isfinite(losses['distill.loss_kd'])


@pytest.mark.parametrize('bad, match', [
    (dict(mean=[127.5] * 3), 'mean, std'),
    (dict(mean=[1.0] * 3, std=[1.0] * 3, to_rgb=True), 'mean, std'),
    (dict(mean=[1.0] * 2, std=[1.0] * 2), 'one value per input channel'),
    (dict(mean=[1.0] * 3, std=[1.0, 0.0, 1.0]), 'std must be > 0'),
    (dict(mean=[1.0] * 3, std=[1.0] * 3, size=(0, 4)), 'size must be'),
])
def test_bad_teacher_data_preprocessor_says_what_to_fix(bad, match):
    with pytest.raises(ValueError, match=match):
        _build(bad)
