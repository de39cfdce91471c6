"""End to end: OFA branches + OFALoss inside an MMRazor distillation step."""
import lfcc_mm  # noqa: F401  (must precede mmrazor)
import pytest
import torch
from mmengine.config import Config
from mmpretrain.structures import DataSample
from mmrazor.registry import MODELS

from lfcc_mm.models.connectors import OFABranch
from lfcc_mm.models.losses import OFALoss

B, NUM_CLASSES, IMG = 4, 5, 32


@pytest.fixture(autouse=True)
def _one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def make_batch(model, labels):
    """A preprocessed tiny batch with the given class indices."""
    gen = torch.Generator().manual_seed(0)
    data = dict(
        inputs=[
            torch.randint(0, 256, (3, IMG, IMG), dtype=torch.uint8,
                          generator=gen) for _ in labels
        ],
        data_samples=[DataSample().set_gt_label(int(y)) for y in labels])
    return model.data_preprocessor(data, training=True)


@pytest.mark.parametrize('student, teacher', [('resnet_cifar', 'vit'),
                                              ('vit', 'mixer')])
def test_gradients_reach_branches_and_student_never_teacher(
        student, teacher, make_ofa_model_cfg):
    torch.manual_seed(0)
    model = MODELS.build(make_ofa_model_cfg(student, teacher, eps=1.5))
    model.init_weights()
    model.train()
    data = make_batch(model, labels=[0, 1, 2, 3])
    losses = model(**data, mode='loss')

    expected_keys = {f'distill.loss_ofa_{k}'
                     for k in ('logits', 'stage1', 'stage2', 'stage3')}
    assert expected_keys <= set(losses)
    for key in expected_keys:
        assert losses[key].dim() == 0 and torch.isfinite(losses[key])
    assert all(isinstance(c, OFABranch)
               for c in model.distiller.connectors.values())

    total = sum(v for k, v in losses.items() if 'loss' in k)
    total.backward()
    for name, branch in model.distiller.connectors.items():
        grads = [p.grad for p in branch.parameters()]
        assert all(g is not None for g in grads), name
        assert sum(g.abs().sum() for g in grads) > 0, name
    student_grads = [p.grad for p in model.student.backbone.parameters()]
    assert all(g is not None for g in student_grads)
    assert sum(g.abs().sum() for g in student_grads) > 0
    assert all(p.grad is None for p in model.teacher.parameters())


def test_branch_loss_alone_trains_the_student_backbone(make_ofa_model_cfg):
    """A branch loss back-propagates through the branch into the student."""
    torch.manual_seed(0)
    model = MODELS.build(make_ofa_model_cfg('resnet_cifar', 'vit',
                                            stages=(1, )))
    model.train()
    data = make_batch(model, labels=[0, 1, 2, 3])
    losses = model(**data, mode='loss')
    losses['distill.loss_ofa_stage1'].backward()
    # layer1 feeds the stage-1 branch; the student head does not.
    layer1 = model.student.backbone.layer1
    assert all(p.grad is not None and p.grad.abs().sum() > 0
               for p in layer1.parameters() if p.requires_grad)
    assert all(p.grad is None for p in model.student.head.parameters())
    assert all(p.grad is None for p in model.teacher.parameters())


@pytest.mark.parametrize('mixup', [False, True])
@pytest.mark.parametrize('student, teacher', [('resnet_cifar', 'vit'),
                                              ('vit', 'resnet_cifar')])
def test_labels_reach_the_loss_via_head_loss_module(student, teacher, mixup,
                                                    make_ofa_model_cfg):
    """``ModuleInputs`` on ``head.loss_module`` with ``data_idx=1`` gives
    the class indices, or the ``(B, C)`` scores after mixup, for mmpretrain's
    ``LinearClsHead`` and ``VisionTransformerClsHead``; the logged loss equals
    OFALoss on the recomputed logits and the true labels."""
    torch.manual_seed(0)
    cfg = make_ofa_model_cfg(student, teacher, eps=2.0, stages=(1, ))
    if mixup:
        cfg['data_preprocessor']['batch_augments'] = dict(
            augments=[dict(type='Mixup', alpha=1.0)])
    model = MODELS.build(cfg)
    model.train()
    labels = torch.tensor([4, 0, 3, 1])
    data = make_batch(model, labels)
    losses = model(**data, mode='loss')

    recorded = model.distiller.get_record(
        recorder='gt_labels', from_student=True, data_idx=1)
    if mixup:
        assert recorded.shape == (B, NUM_CLASSES)
        target = torch.stack([s.gt_score for s in data['data_samples']])
    else:
        assert recorded.dtype == torch.long
        target = labels
    torch.testing.assert_close(recorded, target)

    with torch.no_grad():
        s_logits = model.student(data['inputs'], mode='tensor')
        t_logits = model.teacher(data['inputs'], mode='tensor')
    expected = OFALoss(eps=2.0)(s_logits, t_logits, target)
    torch.testing.assert_close(losses['distill.loss_ofa_logits'].detach(),
                               expected)


def test_example_config_file_builds_and_steps(tmp_path, make_ofa_model_cfg):
    """The tiny example, written as a config file, loads and trains a step."""
    cfg_file = tmp_path / 'ofa_tiny.py'
    cfg_file.write_text(
        "custom_imports = dict(imports=['lfcc_mm'], "
        'allow_failed_imports=False)\n'
        "default_scope = 'mmrazor'\n"
        f'model = {make_ofa_model_cfg()!r}\n')
    cfg = Config.fromfile(str(cfg_file))
    model = MODELS.build(cfg.model)
    optim = torch.optim.SGD(model.parameters(), lr=0.1)
    teacher_before = [p.clone() for p in model.teacher.parameters()]
    branch = model.distiller.connectors['stage1']
    branch_before = [p.clone() for p in branch.parameters()]
    model.train()
    losses = model(**make_batch(model, labels=[0, 1, 2, 3]), mode='loss')
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    optim.step()
    assert all(torch.equal(a, b)
               for a, b in zip(teacher_before, model.teacher.parameters()))
    assert any(not torch.equal(a, b)
               for a, b in zip(branch_before, branch.parameters()))
