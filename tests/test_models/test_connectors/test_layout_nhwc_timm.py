"""The 'nhwc' layout and the stages of timm 1.x models as LFCC / OFA taps.

timm 1.x Swin stages (``layers.<i>``) return channels-last ``(B, H, W, C)``
maps; ConvNeXt and ResNet stages ``(B, C, H, W)``; ViT / DeiT / Mixer /
ResMLP blocks ``(B, N, C)`` tokens. The taps are recorded by mmrazor's
``ModuleOutputs`` on ``TimmClassifier`` (module paths ``model.<...>``).
"""
import pytest
import torch
from mmpretrain.models import TimmClassifier
from mmrazor.models.task_modules import ModuleOutputsRecorder

from lfcc_mm.models import LFCCConnector, OFABranch
from lfcc_mm.models.connectors.layouts import (LayoutError, check_layout,
                                               to_checked_map, to_nchw)


def test_nhwc_is_a_channels_last_view():
    grid = torch.randn(2, 8, 3, 5)
    x = grid.permute(0, 2, 3, 1)  # (2, 3, 5, 8)
    out = to_nchw(x, 'nhwc')
    assert torch.equal(out, grid)
    assert out.data_ptr() == x.data_ptr()  # a view, no copy
    assert check_layout('NHWC') == 'nhwc'


def test_nhwc_errors_are_actionable():
    with pytest.raises(LayoutError, match=r"t_last: layout='nhwc' expects "
                       r'\(B, H, W, C\) but got shape \(2, 9, 8\)'):
        to_nchw(torch.randn(2, 9, 8), 'nhwc', where='t_last')
    # A channels-last map declared 'nchw' is caught by the channel check,
    # with the fix in the message.
    with pytest.raises(LayoutError, match=r"looks like layout='nhwc'"):
        to_checked_map(torch.randn(2, 7, 7, 16), 'nchw', 16, where='t_last')
    with pytest.raises(LayoutError, match=r"looks like layout='nchw'"):
        to_checked_map(torch.randn(2, 16, 7, 7), 'nhwc', 16, where='t_last')
    with pytest.raises(LayoutError, match='must be one of'):
        check_layout('bhwc')


def _record(model, source, x):
    recorder = ModuleOutputsRecorder(source)
    recorder.initialize(model)
    with recorder:
        model(x)
    return recorder.get_record_data()


@pytest.fixture(scope='module')
def tiny_swin():
    torch.manual_seed(0)
    return TimmClassifier(
        model_name='swin_tiny_patch4_window7_224', num_classes=100,
        embed_dim=8, depths=(1, 1, 1, 1), num_heads=(1, 1, 1, 1)).eval()


def test_timm_swin_stage_through_lfcc_connector(tiny_swin):
    x = torch.randn(2, 3, 224, 224)
    with torch.no_grad():
        feat = _record(tiny_swin, 'model.layers.2', x)
    assert feat.shape == (2, 14, 14, 32)  # channels last
    conn = LFCCConnector(in_channels=32, embed_dim=16, layout='nhwc')
    out = conn(feat)
    assert out.shape == (2, 3, 16)  # (B, scales, D)
    torch.testing.assert_close(out.norm(dim=-1), torch.ones(2, 3))
    # Same result as an explicit permute declared 'nchw'.
    ref = LFCCConnector(in_channels=32, embed_dim=16, layout='nchw')
    ref.load_state_dict(conn.state_dict())
    torch.testing.assert_close(ref(feat.permute(0, 3, 1, 2)), out)
    conn_wrong = LFCCConnector(in_channels=32, embed_dim=16, layout='nchw')
    with pytest.raises(LayoutError, match="looks like layout='nhwc'"):
        conn_wrong(feat)


def test_timm_swin_stage_through_ofa_branch(tiny_swin):
    x = torch.randn(2, 3, 224, 224)
    with torch.no_grad():
        feat = _record(tiny_swin, 'model.layers.1', x)
    assert feat.shape == (2, 28, 28, 16)
    branch = OFABranch(in_channels=16, num_classes=100, out_channels=64,
                       layout='nhwc', hw=(28, 28), stage=2, num_stages=4)
    assert branch.branch == 'token'
    logits = branch(feat)
    assert logits.shape == (2, 100)
    logits.sum().backward()
    assert all(p.grad is not None for p in branch.parameters()
               if p.requires_grad)


@pytest.mark.parametrize('name,kwargs,source,shape,layout,extra', [
    ('convnext_tiny', dict(depths=(1, 1, 1, 1), dims=(4, 8, 16, 32)),
     'model.stages.2', (2, 16, 14, 14), 'nchw', 0),
    ('resnet18', dict(layers=(1, 1, 1, 1)), 'model.layer3',
     (2, 256, 14, 14), 'nchw', 0),
    ('vit_small_patch16_224', dict(embed_dim=8, depth=2, num_heads=2),
     'model.blocks.1', (2, 197, 8), 'nlc', 1),
])
def test_other_timm_stages(name, kwargs, source, shape, layout, extra):
    model = TimmClassifier(model_name=name, num_classes=100, **kwargs).eval()
    with torch.no_grad():
        feat = _record(model, source, torch.randn(2, 3, 224, 224))
    assert tuple(feat.shape) == shape
    channels = shape[1] if layout == 'nchw' else shape[2]
    conn = LFCCConnector(in_channels=channels, embed_dim=8, layout=layout,
                         num_extra_tokens=extra)
    assert conn(feat).shape == (2, 3, 8)
