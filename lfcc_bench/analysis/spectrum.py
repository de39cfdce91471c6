"""Frequency content of feature maps: DCT power spectra and low-pass energy.

Everything here uses the orthonormal 2-D DCT-II, the transform behind the
``'dct'`` low-pass filter of :mod:`lfcc_mm.models.connectors.low_pass`
(``scipy.fft.dctn(..., norm='ortho')`` is the same matrix). Feature maps are
not periodic, so the DCT also avoids the spurious high frequencies that an
FFT reports for the jump between a map's opposite borders.

Frequencies. DCT coefficient ``(m_y, m_x)`` of an ``H x W`` map is a cosine
with ``m_y / 2`` cycles along the height and ``m_x / 2`` along the width. We
measure it relative to the Nyquist frequency (half a cycle per pixel), so its
*normalised radial frequency* is ``r = sqrt((m_y / H)**2 + (m_x / W)**2)``:
0 is the map mean, 1 is the Nyquist frequency along one axis, and the
checkerboard sits near ``sqrt(2)``. This axis is the same for every map size,
so a 7x7 CNN map and a 14x14 token grid can be plotted together.

Cutoff of scale ``s``. The frequencies representable on an ``s x s`` grid are
the ``s x s`` lowest DCT coefficients, ``m_y < s`` and ``m_x < s`` (fewer than
``s / 2`` cycles along each axis). This is exactly the band that the ``'dct'``
filter keeps when it resamples a map to ``s x s`` (and the band the ``'avg'``
box filter approximates), so :func:`low_frequency_fraction` is the share of a
map's energy that survives LFCC's low-pass at that scale. For ``s >= H`` all
rows are kept (likewise for ``W``).
"""
from __future__ import annotations

from typing import Dict, Optional, Sequence, Tuple

import scipy.fft
import torch
from torch import Tensor


def dct_power(maps: Tensor) -> Tensor:
    """Power of every 2-D DCT coefficient of every map.

    Args:
        maps (Tensor): ``(B, C, H, W)`` feature maps (any device and dtype).

    Returns:
        Tensor: float64 ``(B, C, H, W)`` on the CPU; entry ``[..., m_y, m_x]``
        is the squared orthonormal DCT-II coefficient, so each map's powers
        sum to its energy ``sum(x ** 2)`` (Parseval).
    """
    if maps.dim() != 4:
        raise ValueError(
            f'dct_power expects (B, C, H, W) maps, got shape '
            f'{tuple(maps.shape)}; convert token features with '
            'lfcc_mm.models.connectors.layouts.to_nchw first.')
    array = maps.detach().to('cpu', torch.float64).numpy()
    coeffs = scipy.fft.dctn(array, type=2, norm='ortho', axes=(-2, -1))
    return torch.from_numpy(coeffs ** 2)


def radial_frequencies(height: int, width: int) -> Tensor:
    """Normalised radial frequency of every DCT coefficient.

    Args:
        height (int): Map height ``H``.
        width (int): Map width ``W``.

    Returns:
        Tensor: float64 ``(H, W)``, ``sqrt((m_y / H)**2 + (m_x / W)**2)``.
    """
    fy = torch.arange(height, dtype=torch.float64)[:, None] / height
    fx = torch.arange(width, dtype=torch.float64)[None, :] / width
    return torch.sqrt(fy ** 2 + fx ** 2)


def radial_profile(power: Tensor) -> Tuple[Tensor, Tensor]:
    """Radially average a power spectrum.

    Coefficients are binned by ``round(r * min(H, W))`` (for a square map:
    the rounded radius in coefficient units) and averaged within each bin;
    empty bins are dropped.

    Args:
        power (Tensor): ``(H, W)`` power per DCT coefficient.

    Returns:
        tuple[Tensor, Tensor]: ``(freqs, values)``, both float64 ``(K,)``:
        the bin centres in normalised radial frequency (ascending) and the
        mean power in each bin.
    """
    height, width = power.shape
    step = 1.0 / min(height, width)
    bins = torch.round(radial_frequencies(height, width) / step).long()
    bins = bins.flatten()
    counts = torch.bincount(bins)
    sums = torch.bincount(bins, weights=power.flatten().double())
    keep = counts > 0
    freqs = torch.arange(len(counts), dtype=torch.float64)[keep] * step
    return freqs, sums[keep] / counts[keep]


def low_frequency_fraction(power: Tensor, scale: int) -> float:
    """Share of the energy in the frequencies an ``s x s`` grid represents.

    Args:
        power (Tensor): ``(H, W)`` power per DCT coefficient.
        scale (int): The scale ``s``; the band is ``m_y < s`` and ``m_x < s``.

    Returns:
        float: In ``[0, 1]``; NaN when the map has no energy at all.
    """
    if scale < 1:
        raise ValueError(f'scale must be a positive int, got {scale!r}')
    total = power.sum()
    if total <= 0:
        return float('nan')
    return float(power[:scale, :scale].sum() / total)


class SpectrumMeter:
    """Running mean DCT power spectrum of a stream of ``(B, C, H, W)`` maps.

    The mean is taken over images and channels, so channels contribute in
    proportion to their energy.
    """

    def __init__(self) -> None:
        self._sum: Optional[Tensor] = None
        self._count = 0

    def update(self, maps: Tensor) -> None:
        """Add a batch of maps.

        Args:
            maps (Tensor): ``(B, C, H, W)``; ``H`` and ``W`` must not change
                between calls.
        """
        power = dct_power(maps).sum(dim=(0, 1))             # (H, W)
        if self._sum is not None and self._sum.shape != power.shape:
            raise ValueError(
                f'SpectrumMeter: map size changed from '
                f'{tuple(self._sum.shape)} to {tuple(power.shape)}; all '
                'images must reach the same feature size (check the '
                'resize/crop of the test pipeline).')
        self._sum = power if self._sum is None else self._sum + power
        self._count += maps.shape[0] * maps.shape[1]

    @property
    def power(self) -> Tensor:
        """Tensor: float64 ``(H, W)``, the mean power per DCT coefficient."""
        if self._sum is None:
            raise RuntimeError('SpectrumMeter.power: no maps were added.')
        return self._sum / self._count

    def summary(self, scales: Sequence[int]) -> Dict:
        """The numbers the analysis reports for one map stream.

        Args:
            scales (Sequence[int]): Scales ``s`` whose low-frequency
                fraction is reported.

        Returns:
            dict: ``map_size`` ``[H, W]``; ``freqs`` (normalised radial
            frequency, ascending); ``power`` (radially averaged mean power);
            ``relative_power`` (``power`` divided by the mean power over all
            coefficients, so a white-noise map is 1 at every frequency and
            maps of different magnitude or size compare directly); and
            ``low_freq_fraction``, ``{str(s): fraction}``.
        """
        power = self.power
        freqs, profile = radial_profile(power)
        return dict(
            map_size=list(power.shape),
            freqs=freqs.tolist(),
            power=profile.tolist(),
            relative_power=(profile / power.mean()).tolist(),
            low_freq_fraction={
                str(s): low_frequency_fraction(power, s)
                for s in scales
            })
