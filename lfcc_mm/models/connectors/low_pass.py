"""Low-pass filters that map a feature map to a fixed ``s x s`` grid.

LFCC compares the *low-frequency components* of teacher and student features
at several scales. The paper does not publish its filters; we use the two
simplest linear low-pass resamplers, each taking ``(B, C, H, W)`` to
``(B, C, s, s)`` whatever ``H`` and ``W`` are (this is what makes a 56x56 CNN
map and a 14x14 ViT token grid comparable):

``'avg'``  a spatial box filter: adaptive average pooling to ``s x s``
          (each output cell is the mean of its input window).
``'dct'``  an ideal frequency-domain low-pass: keep the ``s x s`` lowest
          coefficients of the orthonormal 2-D DCT-II, then invert them on an
          ``s x s`` grid (DCT-domain resizing). The ``sqrt(s*s / (H*W))``
          factor keeps amplitudes, so a constant map stays the same constant.

Both are exact for constant maps. A checkerboard (the highest frequency)
is removed entirely by ``'avg'`` when its windows have even sides (``2s``
divides ``H`` and ``W``). Otherwise, and always for ``'dct'`` (a sampled
checkerboard is not exactly one DCT basis vector), a residue of under 1e-3
of its energy remains for maps of 14x14 and larger at ``s <= 4``. When ``s``
exceeds the input size, ``'dct'`` zero-pads the spectrum (band-limited
upsampling) and ``'avg'`` repeats cells.
"""
from __future__ import annotations

import math
from functools import lru_cache
from typing import Callable, Dict

import torch
from torch import Tensor


@lru_cache(maxsize=64)
def _dct_matrix(n: int) -> Tensor:
    """Orthonormal DCT-II matrix of size ``(n, n)`` in float64 on the CPU."""
    k = torch.arange(n, dtype=torch.float64)[:, None]
    i = torch.arange(n, dtype=torch.float64)[None, :]
    mat = torch.cos(math.pi * (i + 0.5) * k / n) * math.sqrt(2.0 / n)
    mat[0] /= math.sqrt(2.0)
    return mat


@lru_cache(maxsize=64)
def dct_resample_matrix(n: int, s: int) -> Tensor:
    """The ``(s, n)`` matrix that low-passes a length-``n`` signal to ``s``.

    It keeps the ``min(n, s)`` lowest DCT coefficients, rescales them by
    ``sqrt(s / n)`` and applies the inverse DCT of size ``s``.

    Args:
        n (int): Input length.
        s (int): Output length (the scale).

    Returns:
        Tensor: float64 ``(s, n)``.
    """
    k = min(n, s)
    forward = _dct_matrix(n)[:k]                     # (k, n)
    inverse = _dct_matrix(s)[:k].t()                 # (s, k)
    return inverse @ forward * math.sqrt(s / n)


@lru_cache(maxsize=64)
def avg_resample_matrix(n: int, s: int) -> Tensor:
    """The ``(s, n)`` box-filter matrix of adaptive average pooling.

    Row ``i`` averages the inputs ``floor(i*n/s) .. ceil((i+1)*n/s) - 1``,
    exactly the windows of :func:`torch.nn.functional.adaptive_avg_pool1d`.

    Args:
        n (int): Input length.
        s (int): Output length (the scale).

    Returns:
        Tensor: float64 ``(s, n)``.
    """
    mat = torch.zeros(s, n, dtype=torch.float64)
    for i in range(s):
        start, end = (i * n) // s, -((-(i + 1) * n) // s)
        mat[i, start:end] = 1.0 / (end - start)
    return mat


RESAMPLE_MATRICES: Dict[str, Callable[[int, int], Tensor]] = dict(
    avg=avg_resample_matrix, dct=dct_resample_matrix)


def low_pass(x: Tensor, scale: int, filter: str = 'avg') -> Tensor:
    """Apply the named low-pass filter, separably along H and W.

    Both filters are fixed linear maps, applied as ``M_h @ x @ M_w^T``: two
    small matrix products, deterministic on every device (unlike the CUDA
    backward of ``adaptive_avg_pool2d``).

    Args:
        x (Tensor): ``(B, C, H, W)``.
        scale (int): Output side ``s``.
        filter (str): ``'avg'`` or ``'dct'``.

    Returns:
        Tensor: ``(B, C, s, s)``.
    """
    try:
        matrix = RESAMPLE_MATRICES[filter]
    except KeyError:
        raise ValueError(f'filter must be one of {sorted(RESAMPLE_MATRICES)}, '
                         f'got {filter!r}') from None
    h, w = x.shape[-2:]
    mh = matrix(h, scale).to(x.device, x.dtype)
    mw = matrix(w, scale).to(x.device, x.dtype)
    return torch.einsum('sh,bchw,tw->bcst', mh, x, mw)


def avg_low_pass(x: Tensor, scale: int) -> Tensor:
    """Spatial box low-pass (adaptive average pooling) to ``scale x scale``.

    Args:
        x (Tensor): ``(B, C, H, W)``.
        scale (int): Output side ``s``.

    Returns:
        Tensor: ``(B, C, s, s)``.
    """
    return low_pass(x, scale, 'avg')


def dct_low_pass(x: Tensor, scale: int) -> Tensor:
    """Frequency-domain low-pass to a ``scale x scale`` grid.

    Args:
        x (Tensor): ``(B, C, H, W)``.
        scale (int): Output side ``s``.

    Returns:
        Tensor: ``(B, C, s, s)``.
    """
    return low_pass(x, scale, 'dct')
