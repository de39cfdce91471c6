import pytest
import torch

from lfcc_mm.models.connectors import LayoutError, LFCCConnector


@pytest.mark.parametrize('filter', ['avg', 'dct'])
def test_cnn_and_tokens_of_any_resolution_land_in_the_same_space(filter):
    cnn = LFCCConnector(in_channels=64, embed_dim=32, scales=(1, 2, 4),
                        filter=filter, layout='nchw')
    vit = LFCCConnector(in_channels=48, embed_dim=32, scales=(1, 2, 4),
                        filter=filter, layout='nlc', num_extra_tokens=1)
    mixer = LFCCConnector(in_channels=16, embed_dim=32, scales=(1, 2, 4),
                          filter=filter, layout='ncl')
    outs = [
        cnn(torch.randn(3, 64, 56, 56)),
        cnn(torch.randn(3, 64, 7, 7)),
        vit(torch.randn(3, 1 + 14 * 14, 48)),
        vit(torch.randn(3, 1 + 4 * 4, 48)),
        mixer(torch.randn(3, 16, 64)),
    ]
    for out in outs:
        assert out.shape == (3, 3, 32)
        torch.testing.assert_close(out.norm(dim=-1), torch.ones(3, 3))


def test_gradients_reach_the_projection_and_the_input():
    conn = LFCCConnector(in_channels=8, embed_dim=4, scales=(1, 2))
    x = torch.randn(2, 8, 6, 6, requires_grad=True)
    conn(x).sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0
    assert all(p.grad is not None for p in conn.parameters())


def test_wrong_channels_name_the_connector_and_shapes():
    conn = LFCCConnector(in_channels=8, layout='nlc', num_extra_tokens=1)
    conn.name = 'connectors.s4'
    with pytest.raises(LayoutError, match=r"connectors.s4 \(layout='nlc'\): "
                       r'expected 8 channels but the feature has 6'):
        conn(torch.randn(2, 17, 6))
    with pytest.raises(LayoutError, match=r"connectors.s4 .*expects a 3-D"):
        conn(torch.randn(2, 8, 4, 4))


@pytest.mark.parametrize('kwargs, match', [
    (dict(in_channels=0), 'in_channels'),
    (dict(in_channels=8, scales=()), 'scales'),
    (dict(in_channels=8, scales=(2, 0)), 'scales'),
    (dict(in_channels=8, filter='gauss'), 'filter'),
    (dict(in_channels=8, layout='bhwc'), 'layout'),
])
def test_bad_arguments_fail_at_construction(kwargs, match):
    with pytest.raises(ValueError, match=match):
        LFCCConnector(**kwargs)


def test_mlp_projector_replaces_the_linear_layer_per_scale():
    conn = LFCCConnector(in_channels=8, embed_dim=16, scales=(1, 2),
                         hidden_dim=32)
    assert [tuple(m.weight.shape) for m in conn.projs[1] if hasattr(m, 'weight')] \
        == [(32, 8 * 2 * 2), (16, 32)]
    x = torch.randn(3, 8, 4, 4, requires_grad=True)
    out = conn(x)
    assert out.shape == (3, 2, 16)
    torch.testing.assert_close(out.norm(dim=-1), torch.ones(3, 2))
    out.sum().backward()
    assert conn.projs[0][0].weight.grad.abs().sum() > 0
    with pytest.raises(ValueError, match='hidden_dim must be a positive int'):
        LFCCConnector(in_channels=8, hidden_dim=0)


def test_global_token_makes_the_1x1_scale_read_the_cls_token():
    tokens = torch.randn(2, 1 + 16, 8)  # cls + 4x4 grid, (B, N, C)
    pooled = LFCCConnector(in_channels=8, scales=(1, 2), layout='nlc',
                           num_extra_tokens=1)
    cls = LFCCConnector(in_channels=8, scales=(1, 2), layout='nlc',
                        num_extra_tokens=1, global_token=True)
    cls.load_state_dict(pooled.state_dict())  # same weights
    a, b = pooled(tokens), cls(tokens)
    torch.testing.assert_close(a[:, 1], b[:, 1])  # the 2x2 scale: the same
    expected = torch.nn.functional.normalize(
        cls.projs[0](cls.norms[0](tokens[:, 0])), dim=-1)
    torch.testing.assert_close(b[:, 0], expected)  # the 1x1: the cls token
    # (B, C, N) tokens: the same token read
    ncl = LFCCConnector(in_channels=8, scales=(1, 2), layout='ncl',
                        num_extra_tokens=1, global_token=True)
    ncl.load_state_dict(cls.state_dict())
    torch.testing.assert_close(ncl(tokens.transpose(1, 2)), b)
    # nothing to read (a CNN map, tokens without a cls token): global average
    for kwargs, x in ((dict(), torch.randn(2, 8, 4, 4)),
                      (dict(layout='nlc'), torch.randn(2, 16, 8))):
        plain = LFCCConnector(in_channels=8, scales=(1, 2), **kwargs)
        flag = LFCCConnector(in_channels=8, scales=(1, 2), global_token=True,
                             **kwargs)
        assert flag.global_token is False
        flag.load_state_dict(plain.state_dict())
        torch.testing.assert_close(flag(x), plain(x))
