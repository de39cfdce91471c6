"""Feature layouts: turn any recorded intermediate feature into a map.

CNN stages emit ``(B, C, H, W)`` maps; ViT and MLP-Mixer blocks emit token
sequences ``(B, N, C)`` (ViT with leading cls/dist tokens); mmpretrain's
``MlpMixer`` backbone emits ``(B, C, N)``; mmpretrain's Swin stages emit a
``(tokens, (H, W))`` tuple; timm 1.x Swin stages (``layers.<i>``) emit
channels-last maps ``(B, H, W, C)``, declared as ``'nhwc'`` (a 4-D tensor
cannot tell its own layout, so it is declared, never guessed). Everything
downstream of this file (the low-pass filters, the analysis tools) works on
``(B, C, H, W)`` only, so this is the one place that knows about
architectures.
"""
from __future__ import annotations

import math
from typing import Any, Optional, Sequence, Tuple

from torch import Tensor

LAYOUTS = ('nchw', 'nhwc', 'nlc', 'ncl')


class LayoutError(ValueError):
    """A feature does not have the layout its connector declared."""


def check_layout(layout: str, where: str = '') -> str:
    """Validate a layout name at construction time.

    Args:
        layout (str): One of ``'nchw'``, ``'nhwc'``, ``'nlc'``, ``'ncl'``
            (any case).
        where (str): Prefix of the error message, e.g. the connector class.
            Defaults to none.

    Returns:
        str: The same name, lower-cased.

    Raises:
        LayoutError: Naming the layouts and which architecture emits each.
    """
    if not isinstance(layout, str) or layout.lower() not in LAYOUTS:
        prefix = f'{where}: ' if where else ''
        raise LayoutError(
            f'{prefix}layout must be one of {LAYOUTS}, got {layout!r}: '
            "'nchw' for CNN maps, 'nhwc' for channels-last maps (timm Swin), "
            "'nlc' for (B, N, C) tokens (ViT, timm Mixer), 'ncl' for "
            "(B, C, N) tokens (mmpretrain's MlpMixer).")
    return layout.lower()


def _grid(num_tokens: int, hw: Optional[Sequence[int]], where: str,
          shape: Tuple[int, ...]) -> Tuple[int, int]:
    """Return the (H, W) token grid, inferring a square one when not given."""
    if hw is not None:
        h, w = int(hw[0]), int(hw[1])
        if h * w != num_tokens:
            raise LayoutError(
                f'{where}: hw={tuple(hw)} needs {h * w} tokens but the feature '
                f'of shape {shape} has {num_tokens} (after dropping extra '
                'tokens); check `hw` and `num_extra_tokens`.')
        return h, w
    side = math.isqrt(num_tokens)
    if side * side != num_tokens:
        raise LayoutError(
            f'{where}: {num_tokens} tokens (feature shape {shape}) do not form '
            'a square grid; set `hw=(H, W)` or `num_extra_tokens` (cls/dist '
            'tokens) in the connector config.')
    return side, side


def to_nchw(feature: Any,
            layout: str,
            num_extra_tokens: int = 0,
            hw: Optional[Sequence[int]] = None,
            where: str = 'feature') -> Tensor:
    """Convert one recorded feature to a ``(B, C, H, W)`` map.

    Args:
        feature (Tensor | tuple): The recorded module output. A
            ``(tokens, (H, W))`` tuple, as Swin stages emit, supplies ``hw``.
        layout (str): ``'nchw'`` for ``(B, C, H, W)``, ``'nhwc'`` for
            channels-last ``(B, H, W, C)`` maps, ``'nlc'`` for ``(B, N, C)``
            tokens, ``'ncl'`` for ``(B, C, N)`` tokens.
        num_extra_tokens (int): Leading tokens (cls/dist) to drop for token
            layouts. Defaults to 0.
        hw (Sequence[int], optional): The token grid ``(H, W)``. A square grid
            is inferred when omitted.
        where (str): Name used in error messages (e.g. the connector name).

    Returns:
        Tensor: ``(B, C, H, W)``, a view where possible.
    """
    if isinstance(feature, (tuple, list)):
        if (len(feature) == 2 and isinstance(feature[1], (tuple, list))
                and len(feature[1]) == 2):
            feature, hw = feature[0], feature[1]  # Swin: (tokens, hw)
        else:
            shapes = [tuple(getattr(f, 'shape', ())) for f in feature]
            raise LayoutError(
                f'{where}: got a tuple of {len(feature)} items with shapes '
                f'{shapes}; record one item with `data_idx` in the '
                'loss_forward_mappings (e.g. data_idx=-1 for the last '
                'backbone output).')
    if not isinstance(feature, Tensor):
        raise LayoutError(
            f'{where}: expected a Tensor, got {type(feature).__name__}.')
    shape = tuple(feature.shape)
    if layout in ('nchw', 'nhwc'):
        if feature.dim() != 4:
            expected = '(B, C, H, W)' if layout == 'nchw' else '(B, H, W, C)'
            raise LayoutError(
                f"{where}: layout={layout!r} expects {expected} but got shape "
                f"{shape}; token features need layout='nlc' or 'ncl'.")
        return feature if layout == 'nchw' else feature.permute(0, 3, 1, 2)
    if feature.dim() != 3:
        raise LayoutError(
            f"{where}: layout={layout!r} expects a 3-D token tensor but got "
            f"shape {shape}; CNN maps need layout='nchw' (channels-last maps "
            "'nhwc').")
    if layout == 'ncl':
        feature = feature.transpose(1, 2)
    if num_extra_tokens:
        feature = feature[:, num_extra_tokens:]
    b, n, c = feature.shape
    h, w = _grid(n, hw, where, shape)
    return feature.transpose(1, 2).reshape(b, c, h, w)


def _input_shape(feature: Any) -> Tuple[int, ...]:
    """Shape of a tensor, or of the first item of a tuple, for messages."""
    if isinstance(feature, (tuple, list)) and feature:
        feature = feature[0]
    return tuple(getattr(feature, 'shape', ()))


def to_checked_map(feature: Any,
                   layout: str,
                   in_channels: int,
                   num_extra_tokens: int = 0,
                   hw: Optional[Sequence[int]] = None,
                   where: str = 'feature') -> Tensor:
    """:func:`to_nchw`, then check the channels a connector was built for.

    Args:
        feature (Tensor | tuple): The recorded module output.
        layout (str): ``'nchw'``, ``'nhwc'``, ``'nlc'`` or ``'ncl'``.
        in_channels (int): The expected channels ``C``.
        num_extra_tokens (int): Leading cls/dist tokens to drop.
        hw (Sequence[int], optional): The token grid ``(H, W)``.
        where (str): Name used in error messages.

    Returns:
        Tensor: ``(B, in_channels, H, W)``.
    """
    x = to_nchw(feature, layout, num_extra_tokens, hw, where=where)
    if x.shape[1] != in_channels:
        hint = ''
        shape_in = _input_shape(feature)
        # The 4-D layout declared wrongly: the channels sit where the other
        # 4-D layout keeps them.
        if layout in ('nchw', 'nhwc') and len(shape_in) == 4:
            other, dim = ('nhwc', 3) if layout == 'nchw' else ('nchw', 1)
            if shape_in[dim] == in_channels:
                hint = (f' Dimension {dim} has {in_channels}: the feature '
                        f'looks like layout={other!r}.')
        raise LayoutError(
            f'{where}: expected {in_channels} channels but the feature has '
            f'{x.shape[1]} (map shape {tuple(x.shape)}, input shape '
            f'{_input_shape(feature)}); fix `in_channels` or the recorder '
            'source.' + hint)
    return x
