"""LayoutAdapter: let MMRazor's map connectors take token features.

MMRazor's feature connectors (``ConvModuleConnector``, ...) and losses
(``L2Loss``, ...) expect CNN maps ``(B, C, H, W)`` of the same size on both
sides. Heterogeneous pairs give them ViT / Mixer tokens and maps of another
size, so a baseline such as FitNet cannot run on them unchanged. This
adapter is the smallest step that makes it run: turn the feature into a map
with the shared :meth:`~lfcc_mm.models.connectors.LayoutConnector.to_map`,
average-pool it to a common ``size x size`` grid (the ``'avg'`` filter of
:mod:`~lfcc_mm.models.connectors.low_pass`), then hand it to the wrapped
MMRazor connector, if any. Without a wrapped connector it has no
parameters (the teacher side of FitNet).
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Sequence

from mmrazor.registry import MODELS
from torch import Tensor

from .layout_connector import LayoutConnector
from .low_pass import low_pass


@MODELS.register_module()
class LayoutAdapter(LayoutConnector):
    """Feature in any layout -> ``(B, C, size, size)`` map -> a connector.

    Args:
        in_channels (int): Channels ``C`` of the recorded feature.
        layout (str): ``'nchw'``, ``'nhwc'``, ``'nlc'`` or ``'ncl'``.
            Defaults to ``'nchw'``.
        num_extra_tokens (int): Leading cls/dist tokens to drop for token
            layouts. Defaults to 0.
        hw (Sequence[int], optional): Token grid ``(H, W)``; a square grid
            is inferred when omitted.
        size (int, optional): Side of the common grid; the map is
            average-pooled to ``size x size`` (our choice: both sides of a
            pair go to the smaller of their two grids). ``None`` keeps the
            map's own size. Defaults to None.
        connector (dict, optional): An MMRazor connector config applied to
            the ``(B, C, size, size)`` map, e.g. ``ConvModuleConnector``.
            Defaults to None (identity).
        init_cfg (dict, optional): mmengine initialisation config.
    """

    def __init__(self,
                 in_channels: int,
                 layout: str = 'nchw',
                 num_extra_tokens: int = 0,
                 hw: Optional[Sequence[int]] = None,
                 size: Optional[int] = None,
                 connector: Optional[Dict] = None,
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(in_channels, layout, num_extra_tokens, hw,
                         init_cfg=init_cfg)
        if size is not None and (not isinstance(size, int) or size < 1):
            raise ValueError(f'LayoutAdapter: size must be a positive int or '
                             f'None (the side of the common grid), got '
                             f'{size!r}')
        self.size = size
        self.connector = MODELS.build(connector) if connector else None

    def extra_repr(self) -> str:
        return f'{self.layout_repr()}, size={self.size}'

    def forward_train(self, feature: Any) -> Tensor:
        """Adapt one recorded feature.

        Args:
            feature (Tensor | tuple): ``(B, C, H, W)``, ``(B, N, C)``,
                ``(B, C, N)`` or ``((B, N, C), (H, W))``.

        Returns:
            Tensor: The wrapped connector's output on the
            ``(B, C, size, size)`` map (the map itself without one),
            contiguous: MMRazor's losses ``view`` their inputs.
        """
        x = self.to_map(feature)                          # (B, C, H, W)
        if self.size is not None and tuple(x.shape[-2:]) != (self.size,
                                                             self.size):
            x = low_pass(x, self.size, 'avg')
        x = x.contiguous()
        return self.connector(x) if self.connector is not None else x
