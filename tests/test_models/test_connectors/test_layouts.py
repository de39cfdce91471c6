import pytest
import torch

from lfcc_mm.models.connectors.layouts import LayoutError, to_nchw


def test_nchw_is_returned_as_is():
    x = torch.randn(2, 8, 5, 5)
    assert to_nchw(x, 'nchw') is x


def test_nlc_drops_extra_tokens_and_infers_square_grid():
    grid = torch.randn(2, 8, 3, 3)
    tokens = grid.flatten(2).transpose(1, 2)          # (2, 9, 8)
    with_cls = torch.cat([torch.randn(2, 1, 8), tokens], dim=1)
    torch.testing.assert_close(
        to_nchw(with_cls, 'nlc', num_extra_tokens=1), grid)


def test_ncl_and_explicit_hw():
    grid = torch.randn(2, 8, 2, 4)
    torch.testing.assert_close(to_nchw(grid.flatten(2), 'ncl', hw=(2, 4)),
                               grid)


def test_swin_tuple_carries_its_grid():
    grid = torch.randn(2, 8, 2, 3)
    tokens = grid.flatten(2).transpose(1, 2)
    torch.testing.assert_close(to_nchw((tokens, (2, 3)), 'nlc'), grid)


def test_errors_name_the_place_and_the_shapes():
    with pytest.raises(LayoutError, match=r"conn: layout='nchw' expects "
                       r'\(B, C, H, W\) but got shape \(2, 9, 8\)'):
        to_nchw(torch.randn(2, 9, 8), 'nchw', where='conn')
    with pytest.raises(LayoutError, match=r'10 tokens .* not form a square'):
        to_nchw(torch.randn(2, 10, 8), 'nlc', where='conn')
    with pytest.raises(LayoutError, match=r'hw=\(2, 2\) needs 4 tokens'):
        to_nchw(torch.randn(2, 9, 8), 'nlc', hw=(2, 2))
    with pytest.raises(LayoutError, match=r"layout='nlc' expects a 3-D"):
        to_nchw(torch.randn(2, 8, 3, 3), 'nlc')
    with pytest.raises(LayoutError, match='data_idx'):
        to_nchw((torch.randn(2, 8, 3, 3), torch.randn(2, 8, 3, 3),
                 torch.randn(1)), 'nchw')
