"""LayoutConnector: the one base of the connectors that read any layout."""
import pytest
import torch
from mmrazor.models.architectures.connectors.base_connector import \
    BaseConnector
from mmrazor.registry import MODELS

from lfcc_mm.models.connectors import (LayoutAdapter, LayoutConnector,
                                       LayoutError, LFCCConnector, OFABranch)

# The smallest valid config of each subclass, without the shared arguments.
SUBCLASSES = {
    LFCCConnector: dict(embed_dim=4, scales=(1, 2)),
    LayoutAdapter: dict(),
    OFABranch: dict(num_classes=3, out_channels=8, num_downsamples=0,
                    num_blocks=0),
}
IDS = [cls.__name__ for cls in SUBCLASSES]


def _build(cls, **shared):
    args = dict(in_channels=8)
    args.update(SUBCLASSES[cls], **shared)
    return cls(**args)


@pytest.mark.parametrize('cls', SUBCLASSES, ids=IDS)
def test_every_layout_aware_connector_shares_the_base(cls):
    conn = _build(cls, layout='NLC', num_extra_tokens=1, hw=[2, 3])
    assert isinstance(conn, LayoutConnector)
    # Nothing of the shared part is redefined by a subclass.
    for attr in ('to_map', '_check_hw', 'layout_repr'):
        assert attr not in vars(cls)
    assert (conn.in_channels, conn.layout, conn.num_extra_tokens,
            conn.hw) == (8, 'nlc', 1, (2, 3))
    assert conn.name == cls.__name__
    assert conn.layout_repr() in repr(conn)
    tokens = torch.randn(2, 1 + 2 * 3, 8)
    torch.testing.assert_close(
        conn.to_map(tokens), tokens[:, 1:].transpose(1, 2).reshape(2, 8, 2, 3))


@pytest.mark.parametrize('cls', SUBCLASSES, ids=IDS)
@pytest.mark.parametrize('shared, error, match', [
    (dict(in_channels=0), ValueError,
     r'in_channels must be a positive int \(the channels C.*got 0'),
    (dict(in_channels=True), ValueError, 'in_channels must be a positive int'),
    (dict(layout='bhwc'), LayoutError,
     r"layout must be one of .*got 'bhwc'.*'nlc' for \(B, N, C\) tokens"),
    (dict(num_extra_tokens=-1), ValueError,
     r'num_extra_tokens must be an int >= 0 .*got -1'),
    (dict(num_extra_tokens=0.5), ValueError, 'num_extra_tokens must be an int'),
    (dict(hw=(0, 4)), ValueError,
     r'hw must be None or the token grid \(H, W\).*got \(0, 4\)'),
    (dict(hw=(14, )), ValueError, r'hw must be None.*got \(14,\)'),
    (dict(hw=14), ValueError, r'hw must be None.*got 14'),
])
def test_bad_shared_arguments_fail_at_construction(cls, shared, error, match):
    with pytest.raises(error, match=f'^{cls.__name__}: {match}'):
        _build(cls, **shared)


def test_the_base_is_abstract_and_not_registered():
    with pytest.raises(TypeError, match='abstract'):
        LayoutConnector(in_channels=8)
    assert MODELS.get('LayoutConnector') is None


@MODELS.register_module(force=True)
class _NamedConnector(BaseConnector):
    """Not a LayoutConnector, with a ``name`` of its own meaning."""

    name = 'mine'

    def forward_train(self, feature):
        return feature


def test_checked_distiller_names_layout_connectors_by_their_key(make_cfg):
    """Every LayoutConnector gets ``connectors.<key>``; another connector is
    left alone, even one that has a ``name`` attribute."""
    cfg = make_cfg()
    conns = cfg['distiller']['connectors']
    conns['s_fit'] = dict(type='LayoutAdapter', in_channels=64)
    conns['t_ofa'] = dict(type='OFABranch', in_channels=32, num_classes=4,
                          out_channels=32, layout='nlc', num_extra_tokens=1,
                          num_downsamples=0, num_blocks=0)
    conns['plain'] = dict(type='_NamedConnector')
    distiller = MODELS.build(cfg).distiller
    names = {key: getattr(conn, 'name', None)
             for key, conn in distiller.connectors.items()}
    assert names == {'s0': 'connectors.s0', 't0': 'connectors.t0',
                     's_fit': 'connectors.s_fit', 't_ofa': 'connectors.t_ofa',
                     'plain': 'mine'}
    with pytest.raises(LayoutError, match=r"^connectors.t_ofa \(layout='nlc'"
                       r'\): expected 32 channels but the feature has 5'):
        distiller.connectors['t_ofa'](torch.randn(2, 17, 5))
