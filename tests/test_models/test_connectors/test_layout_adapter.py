"""LayoutAdapter: tokens and maps of any size into MMRazor's map connectors."""
import pytest
import torch
import torch.nn.functional as F
from mmrazor.models.losses import L2Loss
from mmrazor.registry import MODELS

from lfcc_mm.models import LayoutError


def _tokens(b=2, c=8, side=8, extra=1, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(b, extra + side * side, c, generator=gen)


def test_tokens_become_the_average_pooled_grid():
    tokens = _tokens()
    adapter = MODELS.build(
        dict(type='LayoutAdapter', in_channels=8, layout='nlc',
             num_extra_tokens=1, size=4))
    out = adapter(tokens)
    grid = tokens[:, 1:].transpose(1, 2).reshape(2, 8, 8, 8)  # cls dropped
    assert out.shape == (2, 8, 4, 4) and out.is_contiguous()
    torch.testing.assert_close(out, F.avg_pool2d(grid, 2))
    assert list(adapter.parameters()) == []  # a teacher side: no weights


def test_wrapped_mmrazor_connector_regresses_to_the_teacher_width():
    adapter = MODELS.build(
        dict(type='LayoutAdapter', in_channels=8, size=4,
             connector=dict(type='ConvModuleConnector', in_channel=8,
                            out_channel=16, norm_cfg=dict(type='BN'),
                            act_cfg=None)))
    fmap = torch.randn(2, 8, 4, 4, requires_grad=True)
    out = adapter(fmap)
    assert out.shape == (2, 16, 4, 4)
    assert out.min() < 0  # no ReLU: signed transformer targets reachable
    teacher = MODELS.build(
        dict(type='LayoutAdapter', in_channels=16, layout='nlc',
             num_extra_tokens=1, size=4))(_tokens(c=16))
    # MMRazor's L2Loss views its inputs: the adapter's output must allow it
    # even when no pooling happens (a transposed token grid otherwise).
    same_grid = MODELS.build(dict(type='LayoutAdapter', in_channels=16,
                                  layout='nlc', num_extra_tokens=1, size=8))
    L2Loss()(same_grid(_tokens(c=16)), same_grid(_tokens(c=16, seed=1)))
    loss = L2Loss(loss_weight=10)(out, teacher)
    loss.backward()
    conv = adapter.connector.conv_module.conv
    assert conv.weight.grad is not None and conv.weight.grad.abs().sum() > 0


def test_wrong_channels_and_size_are_reported():
    adapter = MODELS.build(
        dict(type='LayoutAdapter', in_channels=4, layout='nlc',
             num_extra_tokens=1))
    adapter.name = 'connectors.t_mid'
    with pytest.raises(LayoutError, match='connectors.t_mid.*expected 4 '
                       'channels but the feature has 8'):
        adapter(_tokens())
    with pytest.raises(ValueError, match='size must be a positive int'):
        MODELS.build(dict(type='LayoutAdapter', in_channels=4, size=0))
