"""The CIFAR-100 teacher configs really start from their ImageNet weights.

A stand-in for the zoo checkpoint (an ImageNet model of the same config,
random weights, saved to a temporary file) replaces the download; then
``init_weights()`` must copy every transferable backbone weight, resize the
ViT position embedding 14x14 -> 8x8 and skip only the layers whose shapes
cannot fit 32x32 inputs, as the teacher configs' docstrings state.
"""
import copy

import torch
from mmengine.hub import get_model
from mmengine.registry import MODELS, init_default_scope
from mmpretrain.models.utils import resize_pos_embed

from .config_helpers import load


def _zoo_standin(cfg_path, tmp_path):
    """Build an mmpretrain zoo model offline and save it like the zoo."""
    model = get_model(cfg_path, pretrained=False)
    path = tmp_path / 'zoo.pth'
    torch.save(dict(state_dict=model.state_dict()), path)
    return model.state_dict(), str(path)


def _init_teacher(rel_path, checkpoint):
    """Build a teacher config with its Pretrained init pointed at a file."""
    cfg = load(rel_path)
    init_default_scope(cfg.default_scope)
    model_cfg = copy.deepcopy(cfg.model)
    model_cfg.backbone.init_cfg.checkpoint = checkpoint
    model = MODELS.build(model_cfg)
    model.init_weights()
    return model.state_dict()


def test_resnet50_teacher_loads_all_but_the_imagenet_stem(tmp_path):
    src, ckpt = _zoo_standin('mmpretrain::resnet/resnet50_8xb32_in1k.py',
                             tmp_path)
    dst = _init_teacher('teachers/res50_in1k-pre_8xb16_cifar100.py', ckpt)
    backbone = [k for k in dst if k.startswith('backbone.')]
    skipped = [k for k in backbone if not torch.equal(dst[k], src[k])]
    assert skipped == ['backbone.conv1.weight']
    assert dst['backbone.conv1.weight'].shape == (64, 3, 3, 3)
    assert dst['head.fc.weight'].shape == (100, 2048)


def test_deit_s_teacher_resizes_pos_embed_and_skips_patch_projection(tmp_path):
    src, ckpt = _zoo_standin('mmpretrain::deit/deit-small_4xb256_in1k.py',
                             tmp_path)
    dst = _init_teacher('teachers/deit-s-p4_in1k-pre_8xb64_cifar100.py', ckpt)
    resized = resize_pos_embed(
        src['backbone.pos_embed'], (14, 14), (8, 8),
        'bicubic',
        num_extra_tokens=1)
    assert dst['backbone.pos_embed'].shape == (1, 65, 384)
    torch.testing.assert_close(dst['backbone.pos_embed'], resized)
    backbone = [k for k in dst if k.startswith('backbone.')]
    skipped = sorted(
        k for k in backbone
        if k != 'backbone.pos_embed' and not torch.equal(dst[k], src[k]))
    assert skipped == ['backbone.patch_embed.projection.weight']
    assert dst['head.layers.head.weight'].shape == (100, 384)
