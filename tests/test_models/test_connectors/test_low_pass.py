import pytest
import torch

from lfcc_mm.models.connectors.low_pass import (avg_low_pass, dct_low_pass,
                                                dct_resample_matrix, low_pass)

FILTERS = ['avg', 'dct']


def checkerboard(h: int, w: int) -> torch.Tensor:
    """The highest spatial frequency: +1/-1 alternating, shape (1, 3, h, w)."""
    yy, xx = torch.meshgrid(torch.arange(h), torch.arange(w), indexing='ij')
    board = ((yy + xx) % 2 * 2 - 1).float()
    return board.expand(1, 3, h, w).clone()


@pytest.mark.parametrize('filter', FILTERS)
@pytest.mark.parametrize('scale', [1, 2, 4])
@pytest.mark.parametrize('size', [14, 16, 56])
def test_checkerboard_is_removed(filter, scale, size):
    x = checkerboard(size, size)
    y = low_pass(x, scale, filter)
    assert y.shape == (1, 3, scale, scale)
    energy_ratio = y.pow(2).mean() / x.pow(2).mean()
    assert energy_ratio < 1e-3
    if filter == 'avg' and size % (2 * scale) == 0:  # even windows
        assert energy_ratio == 0


@pytest.mark.parametrize('filter', FILTERS)
@pytest.mark.parametrize('size', [(7, 7), (14, 14), (56, 56), (6, 10)])
def test_constant_passes_unchanged_and_filters_agree(filter, size):
    x = torch.full((2, 4, *size), 3.5)
    y = low_pass(x, 4, filter)
    torch.testing.assert_close(y, torch.full((2, 4, 4, 4), 3.5))
    torch.testing.assert_close(avg_low_pass(x, 4), dct_low_pass(x, 4))


def test_dct_keeps_low_frequencies_exactly():
    """A map that is already band-limited to s x s survives the DCT filter:
    resampling back to the input size reproduces it."""
    h, s = 16, 4
    m_down = dct_resample_matrix(h, s)  # (s, h)
    m_up = dct_resample_matrix(s, h)    # (h, s)
    low = torch.randn(1, 1, s, s, dtype=torch.float64)
    x = torch.einsum('hs,bcst,wt->bchw', m_up, low, m_up)
    back = torch.einsum('sh,bchw,tw->bcst', m_down, x, m_down)
    torch.testing.assert_close(back, low)


def test_output_size_does_not_depend_on_input_size():
    for size in [(3, 3), (14, 14), (56, 56)]:
        for filter in FILTERS:
            assert low_pass(torch.randn(2, 5, *size), 4, filter).shape == (
                2, 5, 4, 4)


def test_unknown_filter_is_a_clear_error():
    with pytest.raises(ValueError, match="filter must be one of.*'fft'"):
        low_pass(torch.randn(1, 1, 4, 4), 2, 'fft')


@pytest.mark.parametrize('size', [(7, 7), (14, 14), (6, 10), (3, 5)])
@pytest.mark.parametrize('scale', [1, 2, 3, 4, 8])
def test_avg_is_exactly_adaptive_average_pooling(size, scale):
    """The box filter is written as a resampling matrix (deterministic on
    CUDA, unlike adaptive_avg_pool2d's backward); it must equal pooling."""
    x = torch.randn(2, 3, *size, dtype=torch.float64)
    torch.testing.assert_close(avg_low_pass(x, scale),
                               torch.nn.functional.adaptive_avg_pool2d(
                                   x, scale))
