"""Teacher checkpoints are judged after the model's own upgrade hooks (11.1).

The Swin-T zoo file of the Swin configs (mmcls, 2021-06, module version 1)
stores the last stage's norm as ``backbone.norm.*`` and ``attn_mask``
buffers; mmpretrain's ``SwinTransformer._load_from_state_dict`` renames the
first and drops the second. A tiny Swin saved in that layout must load;
a truly wrong file must still raise, listing every kind of mismatch.
"""
from collections import OrderedDict

import pytest
import torch
from mmpretrain.registry import MODELS

import lfcc_mm  # noqa: F401 - compat shims
from lfcc_mm.models import TeacherCheckpointError, load_teacher_checkpoint

TINY_SWIN = dict(
    type='ImageClassifier',
    backbone=dict(type='SwinTransformer',
                  arch=dict(embed_dims=16, depths=[2, 2], num_heads=[1, 2]),
                  img_size=32, patch_size=4, window_size=4, out_indices=(1, )),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=3, in_channels=32))
OLD_ONLY = {'backbone.norm.weight', 'backbone.norm.bias',
            'backbone.stages.0.blocks.1.attn.attn_mask',
            'backbone.stages.1.blocks.1.attn.attn_mask'}


def _swin(seed):
    torch.manual_seed(seed)
    return MODELS.build(TINY_SWIN)


def _old_layout(model):
    """``model``'s weights as the 2021 mmcls Swin wrote them (version 1)."""
    new = model.state_dict()
    old = OrderedDict()
    for key, value in new.items():
        old[key.replace('backbone.norm1.', 'backbone.norm.')] = value
    for stage in (0, 1):  # the shifted block of each stage had its mask
        old[f'backbone.stages.{stage}.blocks.1.attn.attn_mask'] = torch.zeros(
            4, 16, 16)
    old._metadata = OrderedDict(new._metadata)
    old._metadata['backbone'] = dict(version=1)
    return old


def test_old_swin_layout_loads_through_the_upgrade_hooks(tmp_path):
    source = _swin(seed=1)
    old = _old_layout(source)
    teacher = _swin(seed=2)
    # the raw keys differ: a pre-check on them would refuse this file
    assert set(old) ^ set(teacher.state_dict()) == OLD_ONLY | {
        'backbone.norm1.weight', 'backbone.norm1.bias'}
    path = tmp_path / 'swin_tiny_mmcls.pth'
    torch.save(dict(meta=dict(mmcls_version='0.12.0'), state_dict=old), path)
    load_teacher_checkpoint(teacher, str(path))
    for key, value in source.state_dict().items():
        torch.testing.assert_close(teacher.state_dict()[key], value, rtol=0,
                                   atol=0)


def test_wrong_swin_checkpoint_lists_every_mismatch(tmp_path):
    old = _old_layout(_swin(seed=1))
    old.pop('backbone.stages.1.blocks.0.ffn.layers.1.weight')
    old['backbone.extra.weight'] = torch.zeros(1)
    old['head.fc.weight'] = torch.zeros(5, 32)
    path = tmp_path / 'wrong.pth'
    torch.save(dict(state_dict=old), path)
    with pytest.raises(TeacherCheckpointError) as info:
        load_teacher_checkpoint(_swin(seed=2), str(path))
    assert (f"teacher_ckpt {str(path)!r} does not match the model: "
            '1 missing keys [backbone.stages.1.blocks.0.ffn.layers.1.weight], '
            '1 unexpected keys [backbone.extra.weight], '
            '1 shape mismatches [head.fc.weight]') in str(info.value)
    assert info.value.bad_shapes == ['head.fc.weight']


def test_version_metadata_is_what_the_hooks_read(tmp_path):
    """The same old keys under the current version are not upgraded."""
    old = _old_layout(_swin(seed=1))
    old._metadata['backbone'] = dict(version=3)
    path = tmp_path / 'mislabelled.pth'
    torch.save(dict(state_dict=old), path)
    with pytest.raises(TeacherCheckpointError,
                       match=r'2 missing keys \[backbone.norm1.bias, '
                       r'backbone.norm1.weight\], 4 unexpected keys'):
        load_teacher_checkpoint(_swin(seed=2), str(path))
