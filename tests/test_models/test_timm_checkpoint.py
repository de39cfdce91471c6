"""timm 0.6.5 checkpoints (OFA-KD teachers' layout) load strictly in timm 1.x.

The fixtures under ``tests/data/timm065/`` were written by timm 0.6.5's own
``CheckpointSaver`` (``make_fixtures.py`` there) from tiny models of the four
teacher classes, together with the logits timm 0.6.5 computed on a fixed
input. These tests need only the installed timm 1.x.
"""
import json
import os.path as osp
import sys

import pytest
import timm
import torch
from mmpretrain.models import TimmClassifier

from lfcc_mm.models.algorithms.frozen_teacher_distill import \
    load_teacher_checkpoint
from lfcc_mm.models.timm_checkpoint import (TimmCheckpointError,
                                            load_timm_checkpoint,
                                            read_timm_checkpoint,
                                            upgrade_timm_state_dict)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DATA = osp.join(REPO, 'tests', 'data', 'timm065')
sys.path.insert(0, DATA)
from make_fixtures import fixed_input  # noqa: E402

with open(osp.join(DATA, 'expected_logits.json')) as f:
    EXPECTED = json.load(f)


def _kwargs(name):
    return {k: tuple(v) if isinstance(v, list) else v
            for k, v in EXPECTED[name]['model_kwargs'].items()}


def build_current(name, **override):
    """The same tiny architecture in the installed timm, as configs build it.

    ``TimmClassifier(model_name=...)`` with width/depth overrides, except for
    ``mixer_b16_224`` whose timm entry point fixes ``embed_dim`` and
    ``num_blocks`` (duplicate keyword): that one uses its class directly.
    """
    kw = dict(_kwargs(name), num_classes=100)
    kw.update(override)
    if name == 'mixer_b16_224':
        return timm.models.MlpMixer(**kw)
    kw.pop('patch_size', None)
    kw.pop('window_size', None)
    return TimmClassifier(model_name=name, **kw)


def ckpt_path(name):
    return osp.join(DATA, EXPECTED[name]['checkpoint'])


@pytest.mark.parametrize('name', sorted(EXPECTED))
def test_fixture_reproduces_timm065_logits(name):
    assert EXPECTED[name]['timm_version'] == '0.6.5'
    model = build_current(name).eval()
    load_timm_checkpoint(model, ckpt_path(name))
    with torch.no_grad():
        logits = model(fixed_input())
    ref = torch.tensor(EXPECTED[name]['logits'])
    assert logits.shape == (2, 100)
    assert ref.abs().max() > 0.05  # not a degenerate all-zero reference
    torch.testing.assert_close(logits, ref, rtol=1e-5, atol=1e-5)


def test_fixture_has_timm_saver_layout():
    ckpt = torch.load(ckpt_path('vit_small_patch16_224'), weights_only=False)
    assert set(ckpt) >= {'epoch', 'arch', 'state_dict', 'optimizer',
                         'version', 'args'}
    assert ckpt['arch'] == 'vit_small_patch16_224'


def test_swin_keys_are_mapped_not_renamed_by_hand():
    """Swin's 0.6.5 layout differs; timm's filter maps it, nothing is lost."""
    name = 'swin_tiny_patch4_window7_224'
    raw = read_timm_checkpoint(ckpt_path(name))
    model = build_current(name)
    own = model.state_dict()
    assert 'layers.0.downsample.reduction.weight' in raw
    assert 'layers.0.downsample.reduction.weight' not in own
    # same name, different tensor: 0.6.5 merges at the end of a stage
    assert raw['layers.2.downsample.reduction.weight'].shape != \
        own['layers.2.downsample.reduction.weight'].shape
    out = upgrade_timm_state_dict(raw, model)
    assert set(out) == set(own)
    assert torch.equal(out['layers.1.downsample.reduction.weight'],
                       raw['layers.0.downsample.reduction.weight'])
    assert torch.equal(out['head.fc.weight'], raw['head.weight'])
    # besides the moved merges and the head, only buffers timm now rebuilds
    # are dropped
    dropped = set(raw) - set(out) - {'head.weight', 'head.bias'} - {
        k for k in raw if k.startswith('layers.') and 'downsample' in k}
    assert dropped and all(k.endswith(('relative_position_index',
                                       'attn_mask')) for k in dropped)


def test_wrong_num_classes_lists_the_mismatch():
    model = build_current('convnext_tiny', num_classes=10)
    with pytest.raises(TimmCheckpointError,
                       match=r'1 unexpected|shape mismatches \[head\.fc'):
        load_timm_checkpoint(model, ckpt_path('convnext_tiny'))


def test_resampling_is_refused():
    # timm would interpolate pos_embed for another image size; we refuse.
    model = build_current('vit_small_patch16_224', img_size=112)
    with pytest.raises(TimmCheckpointError, match='pos_embed .* resampled'):
        load_timm_checkpoint(model, ckpt_path('vit_small_patch16_224'))


def test_plain_and_module_prefixed_state_dicts(tmp_path):
    sd = read_timm_checkpoint(ckpt_path('vit_small_patch16_224'))
    torch.save({'model': {f'module.{k}': v for k, v in sd.items()}},
               tmp_path / 'ddp.pth')
    assert read_timm_checkpoint(str(tmp_path / 'ddp.pth')).keys() == sd.keys()
    torch.save({'epoch': 3}, tmp_path / 'empty.pth')
    with pytest.raises(TimmCheckpointError, match='no state dict'):
        read_timm_checkpoint(str(tmp_path / 'empty.pth'))
    with pytest.raises(TimmCheckpointError, match='does not exist'):
        read_timm_checkpoint(str(tmp_path / 'nope.pth'))


def _converter():
    """tools/model_converters/timm_upgrade.py as a module (in-process)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        'timm_upgrade', osp.join(REPO, 'tools', 'model_converters',
                                 'timm_upgrade.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_converter_output_is_a_strict_teacher_ckpt(tmp_path, capsys):
    """timm_upgrade.py's output -> FrozenTeacherDistill's strict loader."""
    name = 'swin_tiny_patch4_window7_224'
    dst = tmp_path / 'teacher.pth'
    argv = [ckpt_path(name), str(dst), '--model', name, '--model-args',
            'embed_dim=4', 'depths=(1,1,2,1)', 'num_heads=(1,1,1,1)']
    tool = _converter()
    tool.main(argv + ['--num-classes', '100'])
    teacher = build_current(name).eval()
    load_teacher_checkpoint(teacher, str(dst))  # the algorithm's strict load
    with torch.no_grad():
        logits = teacher(fixed_input())
    torch.testing.assert_close(
        logits, torch.tensor(EXPECTED[name]['logits']), rtol=1e-5, atol=1e-5)
    assert torch.load(str(dst))['meta']['timm_model'] == name

    # A wrong architecture is one clear line, exit code 2, dst untouched.
    before = dst.read_bytes()
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        tool.main(argv + ['--num-classes', '10'])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert 'error:' in err and 'shape mismatches [head.fc.bias' in err
    assert len(err.strip().splitlines()) == 1
    assert dst.read_bytes() == before
