import math

import pytest
import torch

from lfcc_bench.analysis.spectrum import (SpectrumMeter, dct_power,
                                       low_frequency_fraction, radial_profile)
from lfcc_mm.models.connectors.low_pass import dct_low_pass

SCALES = (1, 2, 4)


def mean_power(maps: torch.Tensor) -> torch.Tensor:
    """(H, W) DCT power averaged over images and channels."""
    return dct_power(maps).mean(dim=(0, 1))


def peak_frequency(maps: torch.Tensor) -> float:
    freqs, values = radial_profile(mean_power(maps))
    return float(freqs[values.argmax()])


@pytest.mark.parametrize('size', [(8, 8), (7, 7), (6, 10)])
def test_constant_map_is_all_at_frequency_zero(size):
    maps = torch.full((2, 3, *size), 2.5)
    power = mean_power(maps)
    assert peak_frequency(maps) == 0.0
    freqs, values = radial_profile(power)
    assert values[0] > 0 and torch.all(values[1:] < 1e-20)
    for s in SCALES:
        assert low_frequency_fraction(power, s) == pytest.approx(1.0)


@pytest.mark.parametrize('n', [8, 16])
def test_checkerboard_peaks_at_the_highest_radius(n):
    yy, xx = torch.meshgrid(torch.arange(n), torch.arange(n), indexing='ij')
    board = ((yy + xx) % 2 * 2 - 1).double().expand(1, 2, n, n)
    # Its strongest DCT coefficient is (n-1, n-1): r = sqrt(2) (n-1) / n.
    assert peak_frequency(board) == pytest.approx(
        math.sqrt(2) * (n - 1) / n, abs=0.5 / n)
    for s in SCALES:
        assert low_frequency_fraction(mean_power(board), s) < 1e-2


def test_single_dct_cosine_sits_exactly_at_its_frequency_and_cutoff():
    h, w, m = 16, 16, 14  # m / 2 = 7 cycles along the width
    j = torch.arange(w, dtype=torch.float64)
    maps = torch.cos(math.pi * m * (j + 0.5) / w).expand(1, 1, h, w)
    power = mean_power(maps)
    assert peak_frequency(maps) == pytest.approx(m / w)
    # Band of scale s is m_x < s: the cosine is outside up to s = m.
    for s in (1, 2, 4, m):
        assert low_frequency_fraction(power, s) == pytest.approx(0, abs=1e-12)
    assert low_frequency_fraction(power, m + 1) == pytest.approx(1.0)


def test_periodic_cosine_below_nyquist_is_high_frequency():
    w = 16
    k = w // 2 - 1  # 7 full cycles per map
    j = torch.arange(w, dtype=torch.float64)
    maps = torch.cos(2 * math.pi * k * j / w).expand(1, 1, w, w)
    # 2k half-cycles: r = 2k / w, up to one bin of leakage (not a DCT basis).
    assert peak_frequency(maps) == pytest.approx(2 * k / w, abs=1.5 / w)
    for s in SCALES:
        assert low_frequency_fraction(mean_power(maps), s) < 0.05


@pytest.mark.parametrize('scale', [1, 2, 4, 8])
def test_fraction_is_the_energy_the_dct_low_pass_keeps(scale):
    torch.manual_seed(0)
    x = torch.randn(3, 4, 12, 10, dtype=torch.float64).cumsum(-1)
    kept = dct_low_pass(x, scale).pow(2).sum() * (12 * 10) / scale ** 2
    expected = float(kept / x.pow(2).sum())
    assert low_frequency_fraction(mean_power(x), scale) == pytest.approx(
        expected, rel=1e-9)


def test_white_noise_has_flat_relative_power():
    torch.manual_seed(0)
    meter = SpectrumMeter()
    meter.update(torch.randn(128, 8, 16, 16))
    summary = meter.summary(SCALES)
    relative = torch.tensor(summary['relative_power'])
    assert torch.all((relative > 0.85) & (relative < 1.15))
    assert summary['low_freq_fraction']['4'] == pytest.approx(
        16 / 256, rel=0.1)


def test_meter_accumulates_batches_and_reports_keys():
    torch.manual_seed(0)
    x = torch.randn(6, 3, 8, 8)
    whole, parts = SpectrumMeter(), SpectrumMeter()
    whole.update(x)
    parts.update(x[:2])
    parts.update(x[2:])
    torch.testing.assert_close(whole.power, parts.power)
    summary = whole.summary(SCALES)
    assert summary['map_size'] == [8, 8]
    assert set(summary['low_freq_fraction']) == {'1', '2', '4'}
    assert len(summary['freqs']) == len(summary['power']) == len(
        summary['relative_power'])
    assert summary['freqs'] == sorted(summary['freqs'])
    fractions = [summary['low_freq_fraction'][str(s)] for s in SCALES]
    assert fractions == sorted(fractions)
    with pytest.raises(ValueError, match='map size changed'):
        whole.update(torch.randn(1, 3, 4, 4))


def test_dct_power_rejects_token_features():
    with pytest.raises(ValueError, match='to_nchw'):
        dct_power(torch.randn(2, 65, 32))
