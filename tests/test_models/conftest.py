"""Tiny models and configs of the model tests (connectors, losses,
algorithms): an LFCC pair (a ResNet and a ViT) and, for OFA-KD, tiny students
of each architecture and a full tiny OFA model config."""
import copy
from typing import Callable, Dict, List

import pytest
import torch
from mmpretrain.structures import DataSample
from torch import nn

import lfcc_mm  # noqa: F401  (compat shims before mmrazor)

NUM_CLASSES = 4

# A tiny CNN teacher and a tiny ViT student with dropout and drop-path, so
# that train/eval mode differences are visible.
TINY_CNN = dict(
    type='ImageClassifier', _scope_='mmpretrain',
    backbone=dict(type='ResNet', depth=18, stem_channels=8, base_channels=8,
                  out_indices=(3, )),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=NUM_CLASSES, in_channels=64,
              loss=dict(type='CrossEntropyLoss')))
TINY_VIT = dict(
    type='ImageClassifier', _scope_='mmpretrain',
    backbone=dict(type='VisionTransformer', img_size=32, patch_size=4,
                  arch=dict(embed_dims=32, num_layers=2, num_heads=2,
                            feedforward_channels=64),
                  drop_rate=0.3, drop_path_rate=0.3),
    head=dict(type='VisionTransformerClsHead', num_classes=NUM_CLASSES,
              in_channels=32, loss=dict(type='CrossEntropyLoss')))


def lfcc_cfg(student=TINY_CNN, teacher=TINY_VIT, weights=(1.0, ), **kwargs):
    """LFCC config distilling ViT blocks into ResNet stages (one per weight)."""
    taps = [('backbone.layer4', 64, 'backbone.layers.1'),
            ('backbone.layer3', 32, 'backbone.layers.0')][:len(weights)]
    s_rec, t_rec, conns, losses, maps = {}, {}, {}, {}, {}
    for k, ((s_src, s_ch, t_src), w) in enumerate(zip(taps, weights)):
        s_rec[f's{k}'] = dict(type='ModuleOutputs', source=s_src)
        t_rec[f't{k}'] = dict(type='ModuleOutputs', source=t_src)
        conns[f's{k}'] = dict(type='LFCCConnector', in_channels=s_ch,
                              embed_dim=16, layout='nchw')
        conns[f't{k}'] = dict(type='LFCCConnector', in_channels=32,
                              embed_dim=16, layout='nlc', num_extra_tokens=1)
        losses[f'loss_lfcc_{k}'] = dict(type='LFCCLoss', loss_weight=w)
        maps[f'loss_lfcc_{k}'] = dict(
            preds_S=dict(from_student=True, recorder=f's{k}',
                         connector=f's{k}'),
            preds_T=dict(from_student=False, recorder=f't{k}',
                         connector=f't{k}'))
    cfg = dict(
        type='FrozenTeacherDistill', architecture=copy.deepcopy(student),
        teacher=copy.deepcopy(teacher),
        data_preprocessor=dict(type='ImgDataPreprocessor'),
        distiller=dict(type='CheckedDistiller', student_recorders=s_rec,
                       teacher_recorders=t_rec, connectors=conns,
                       distill_losses=losses, loss_forward_mappings=maps))
    cfg.update(kwargs)
    return cfg


@pytest.fixture
def batch():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(8, 3, 32, 32, generator=g)
    samples = [DataSample().set_gt_label(i % NUM_CLASSES) for i in range(8)]
    return x, samples


@pytest.fixture
def make_cfg():
    """The :func:`lfcc_cfg` builder, for tests that tweak the config."""
    return lfcc_cfg


@pytest.fixture
def tiny_vit():
    return copy.deepcopy(TINY_VIT)


@pytest.fixture
def tiny_cnn():
    return copy.deepcopy(TINY_CNN)


# ---- OFA-KD (tests/test_models/*/test_ofa_*.py) ----
OFA_NUM_CLASSES = 5
OFA_IMG = 32  # input side of every tiny model

# Tiny mmpretrain backbones. Each entry: backbone config, the recorder paths
# of its four OFA stages (1-based stage k = paths[k-1]), the branch settings
# that depend on the architecture, and the channels per stage.
TINY_STUDENTS: Dict[str, Dict] = dict(
    resnet_cifar=dict(
        backbone=dict(type='mmpretrain.ResNet_CIFAR', depth=18,
                      stem_channels=8, base_channels=8),
        stages=['layer1', 'layer2', 'layer3', 'layer4'],
        channels=[8, 16, 32, 64],
        branch=dict(layout='nchw'),
        head_fc='head.fc', last_channels=64),
    resnet=dict(
        backbone=dict(type='mmpretrain.ResNet', depth=18, stem_channels=8,
                      base_channels=8),
        stages=['layer1', 'layer2', 'layer3', 'layer4'],
        channels=[8, 16, 32, 64],
        branch=dict(layout='nchw'),
        head_fc='head.fc', last_channels=64),
    mobilenet_v2=dict(
        backbone=dict(type='mmpretrain.MobileNetV2', widen_factor=0.25),
        stages=['layer2', 'layer3', 'layer5', 'conv2'],
        channels=[8, 8, 24, 1280],
        branch=dict(layout='nchw'),
        head_fc='head.fc', last_channels=1280),
    vit=dict(
        backbone=dict(
            type='mmpretrain.VisionTransformer',
            arch=dict(embed_dims=32, num_layers=4, num_heads=2,
                      feedforward_channels=64),
            img_size=OFA_IMG, patch_size=4),
        stages=['layers.0', 'layers.1', 'layers.2', 'layers.3'],
        channels=[32, 32, 32, 32],
        branch=dict(layout='nlc', num_extra_tokens=1, hw=(8, 8),
                    final_grid=4),
        head_fc='head.layers.head', last_channels=32),
    mixer=dict(
        backbone=dict(
            type='mmpretrain.MlpMixer',
            arch=dict(embed_dims=32, num_layers=4, tokens_mlp_dims=16,
                      channels_mlp_dims=64),
            img_size=OFA_IMG, patch_size=4),
        stages=['layers.0', 'layers.1', 'layers.2', 'layers.3'],
        channels=[32, 32, 32, 32],
        branch=dict(layout='nlc', hw=(8, 8), final_grid=4),
        head_fc='head.fc', last_channels=32),
)


def classifier_cfg(name: str) -> Dict:
    """An mmpretrain ``ImageClassifier`` config for a tiny student."""
    spec = TINY_STUDENTS[name]
    if name == 'vit':
        head = dict(type='VisionTransformerClsHead',
                    num_classes=OFA_NUM_CLASSES,
                    in_channels=spec['last_channels'])
    else:
        head = dict(type='LinearClsHead', num_classes=OFA_NUM_CLASSES,
                    in_channels=spec['last_channels'])
    neck = None if name == 'vit' else dict(type='GlobalAveragePooling')
    if name == 'mixer':
        # MlpMixer emits (B, C, N); average the tokens.
        neck = dict(type='GlobalAveragePooling', dim=1)
    cfg = dict(_scope_='mmpretrain', type='ImageClassifier',
               backbone=copy.deepcopy(spec['backbone']), head=head)
    cfg['backbone']['type'] = cfg['backbone']['type'].split('.')[-1]
    if neck is not None:
        cfg['neck'] = neck
    return cfg


@pytest.fixture
def tiny_students() -> Dict[str, Dict]:
    """The tiny student specs (see ``TINY_STUDENTS``)."""
    return copy.deepcopy(TINY_STUDENTS)


@pytest.fixture
def make_classifier_cfg() -> Callable[[str], Dict]:
    """Factory of tiny ``ImageClassifier`` configs by student name."""
    return classifier_cfg


@pytest.fixture
def record_outputs() -> Callable[[nn.Module, List[str], torch.Tensor],
                                 Dict[str, torch.Tensor]]:
    """Run a module once and return the outputs of the named submodules."""

    def run(model: nn.Module, paths: List[str],
            x: torch.Tensor) -> Dict[str, torch.Tensor]:
        modules = dict(model.named_modules())
        out: Dict[str, torch.Tensor] = {}
        hooks = [
            modules[p].register_forward_hook(
                lambda m, i, o, p=p: out.__setitem__(p, o)) for p in paths
        ]
        try:
            with torch.no_grad():
                model(x)
        finally:
            for h in hooks:
                h.remove()
        return out

    return run


def ofa_model_cfg(student: str = 'resnet_cifar',
                  teacher: str = 'vit',
                  eps: float = 1.5,
                  stages=(1, 2, 3)) -> Dict:
    """A full, working OFA distillation config on tiny models.

    The student's final logits and one branch per listed stage are matched
    to the teacher's final logits with :class:`OFALoss`; the labels are the
    second input of the student's ``head.loss_module``.
    """
    s_spec, t_spec = TINY_STUDENTS[student], TINY_STUDENTS[teacher]
    student_recorders = dict(
        logits=dict(type='ModuleOutputs', source=s_spec['head_fc']),
        gt_labels=dict(type='ModuleInputs', source='head.loss_module'))
    connectors, losses, mappings = {}, {}, {}
    teacher_logits = dict(from_student=False, recorder='logits')
    labels = dict(from_student=True, recorder='gt_labels', data_idx=1)
    losses['loss_ofa_logits'] = dict(type='OFALoss', eps=eps)
    mappings['loss_ofa_logits'] = dict(
        preds_S=dict(from_student=True, recorder='logits'),
        preds_T=teacher_logits, gt_labels=labels)
    for k in stages:
        name = f'stage{k}'
        student_recorders[name] = dict(
            type='ModuleOutputs',
            source=f"backbone.{s_spec['stages'][k - 1]}")
        connectors[name] = dict(
            type='OFABranch', in_channels=s_spec['channels'][k - 1],
            num_classes=OFA_NUM_CLASSES, stage=k, num_stages=4,
            out_channels=max(s_spec['last_channels'],
                             t_spec['last_channels']),
            **s_spec['branch'])
        losses[f'loss_ofa_{name}'] = dict(type='OFALoss', eps=eps)
        mappings[f'loss_ofa_{name}'] = dict(
            preds_S=dict(from_student=True, recorder=name, connector=name),
            preds_T=teacher_logits, gt_labels=labels)
    return dict(
        type='FrozenTeacherDistill',
        architecture=classifier_cfg(student),
        teacher=classifier_cfg(teacher),
        data_preprocessor=dict(type='mmpretrain.ClsDataPreprocessor',
                               num_classes=OFA_NUM_CLASSES),
        distiller=dict(
            type='CheckedDistiller',
            student_recorders=student_recorders,
            teacher_recorders=dict(
                logits=dict(type='ModuleOutputs',
                            source=t_spec['head_fc'])),
            connectors=connectors,
            distill_losses=losses,
            loss_forward_mappings=mappings))


@pytest.fixture
def make_ofa_model_cfg() -> Callable[..., Dict]:
    """Factory of full tiny OFA configs (see :func:`ofa_model_cfg`)."""
    return ofa_model_cfg
