"""Tiny LFCC config, image folder and checkpoints for the analysis tests.

Teacher: a 2-layer ViT (32-d tokens, 8x8 patch grid + cls token at 32x32).
Student: MobileNetV2 x0.25. Two tapped stages: student ``layer2`` (8 x 8 x 8)
against teacher ``layers.0``, and student ``layer3`` (8 x 4 x 4) against
teacher ``layers.1``; both teacher taps are (B, 65, 32) tokens.
"""
from typing import Callable, Dict

import numpy as np
import pytest
import torch
from PIL import Image

import lfcc_mm  # noqa: F401  (compat shims before mmrazor)

TINY_LFCC_CONFIG = """
default_scope = 'mmrazor'
custom_imports = dict(imports=['lfcc_mm'], allow_failed_imports=False)
tokens = dict(type='LFCCConnector', in_channels=32, embed_dim=16,
              layout='nlc', num_extra_tokens=1)
model = dict(
    type='FrozenTeacherDistill',
    data_preprocessor=dict(type='ImgDataPreprocessor', mean=[127.5] * 3,
                           std=[127.5] * 3, bgr_to_rgb=True),
    architecture=dict(
        type='ImageClassifier', _scope_='mmpretrain',
        backbone=dict(type='MobileNetV2', widen_factor=0.25),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=2, in_channels=1280)),
    teacher=dict(
        type='ImageClassifier', _scope_='mmpretrain',
        backbone=dict(type='VisionTransformer', img_size=32, patch_size=4,
                      arch=dict(embed_dims=32, num_layers=2, num_heads=2,
                                feedforward_channels=64)),
        head=dict(type='VisionTransformerClsHead', num_classes=2,
                  in_channels=32)),
    distiller=dict(
        type='CheckedDistiller',
        student_recorders=dict(
            s2=dict(type='ModuleOutputs', source='backbone.layer2'),
            s3=dict(type='ModuleOutputs', source='backbone.layer3')),
        teacher_recorders=dict(
            t0=dict(type='ModuleOutputs', source='backbone.layers.0'),
            t1=dict(type='ModuleOutputs', source='backbone.layers.1')),
        connectors=dict(
            s2=dict(type='LFCCConnector', in_channels=8, embed_dim=16),
            s3=dict(type='LFCCConnector', in_channels=8, embed_dim=16),
            t0=tokens, t1=tokens),
        distill_losses=dict(loss_lfcc_early=dict(type='LFCCLoss'),
                            loss_lfcc_late=dict(type='LFCCLoss')),
        loss_forward_mappings=dict(
            loss_lfcc_early=dict(
                preds_S=dict(from_student=True, recorder='s2', connector='s2'),
                preds_T=dict(from_student=False, recorder='t0',
                             connector='t0')),
            loss_lfcc_late=dict(
                preds_S=dict(from_student=True, recorder='s3', connector='s3'),
                preds_T=dict(from_student=False, recorder='t1',
                             connector='t1')))))
test_pipeline = [dict(type='LoadImageFromFile'), dict(type='Resize', scale=32),
                 dict(type='PackInputs')]
test_dataloader = dict(batch_size=4, dataset=dict(
    type='CustomDataset', data_root='', pipeline=test_pipeline))
"""


@pytest.fixture
def one_torch_thread():
    """Run a test on one torch thread (the CI machine is shared)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope='session')
def tiny_config(tmp_path_factory) -> str:
    """Path of the tiny LFCC config file."""
    path = tmp_path_factory.mktemp('config') / 'tiny_lfcc.py'
    path.write_text(TINY_LFCC_CONFIG)
    return str(path)


@pytest.fixture(scope='session')
def image_folder(tmp_path_factory) -> str:
    """``root/<class>/<i>.png``: 2 classes x 6 random 40x40 RGB images."""
    root = tmp_path_factory.mktemp('images')
    rng = np.random.default_rng(0)
    for cls in ('cat', 'dog'):
        (root / cls).mkdir()
        for i in range(6):
            pixels = rng.integers(0, 256, (40, 40, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(root / cls / f'{i}.png')
    return str(root)


@pytest.fixture(scope='session')
def build_tiny_model(tiny_config) -> Callable[[int], torch.nn.Module]:
    """A function ``seed -> LFCC algorithm`` building the tiny config."""
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmrazor.registry import MODELS

    def build(seed: int = 0) -> torch.nn.Module:
        init_default_scope('mmrazor')
        torch.manual_seed(seed)
        return MODELS.build(Config.fromfile(tiny_config).model)

    return build


@pytest.fixture(scope='session')
def checkpoints(build_tiny_model, tmp_path_factory) -> Dict[str, str]:
    """Teacher and student checkpoints of one tiny model.

    ``full``: a distillation checkpoint (``state_dict`` with
    ``architecture.*``, ``teacher.*``, ``distiller.*`` keys); ``plain``: the
    same student's bare state dict; ``teacher``: the teacher alone.
    """
    root = tmp_path_factory.mktemp('ckpts')
    model = build_tiny_model(seed=1)
    paths = dict(full=str(root / 'lfcc_full.pth'),
                 plain=str(root / 'student_plain.pth'),
                 teacher=str(root / 'teacher.pth'))
    torch.save(dict(state_dict=model.state_dict(), meta={}), paths['full'])
    torch.save(model.student.state_dict(), paths['plain'])
    torch.save(dict(state_dict=model.teacher.state_dict()), paths['teacher'])
    return paths
