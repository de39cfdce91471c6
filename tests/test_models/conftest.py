import copy

import pytest
import torch
from mmpretrain.structures import DataSample

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
