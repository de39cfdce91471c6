"""LFCCConnector: feature -> low-frequency components in the compact space."""
from __future__ import annotations

from typing import Any, Dict, Optional, Sequence

import torch
import torch.nn.functional as F
from mmrazor.registry import MODELS
from torch import Tensor, nn

from .layout_connector import LayoutConnector
from .low_pass import RESAMPLE_MATRICES, low_pass


@MODELS.register_module()
class LFCCConnector(LayoutConnector):
    """Project the low-frequency components of one feature to ``(B, S, D)``.

    The data path is ``layout -> low-pass bank -> projection -> L2 norm``:

    1. :func:`~lfcc_mm.models.connectors.layouts.to_nchw` turns CNN maps,
       ViT/Mixer tokens or Swin ``(tokens, hw)`` tuples into ``(B, C, H, W)``.
    2. For every scale ``s`` the low-pass filter resamples the map to
       ``(B, C, s, s)`` (see :mod:`~lfcc_mm.models.connectors.low_pass`).
    3. Each ``s x s x C`` block is layer-normalised over channels (per cell),
       flattened and linearly projected to ``embed_dim``: one projection per
       scale, so the spatial layout of the low frequencies is kept.
    4. Each ``(b, s)`` vector is L2-normalised.

    The output shape depends only on ``len(scales)`` and ``embed_dim``, never
    on the input resolution or architecture: this is the *compact space* in
    which teacher and student are compared.

    Our choices where the paper is silent (arXiv 2405.18524 publishes no
    filters, scales or projector): scales ``(1, 2, 4)``, the box (``'avg'``)
    filter, a per-cell LayerNorm (removes the very different feature
    magnitudes of CNNs and transformers) and a single linear layer per scale
    (the simplest projector; teacher and student each get their own).
    ``hidden_dim`` swaps it for a two-layer MLP (``Linear -> GELU ->
    Linear``), the projection head of SimCLR (Chen et al., ICML 2020).
    ``global_token=True`` makes the ``1x1`` scale of a feature with a cls
    token read that token instead of the mean of the patch tokens: a ViT
    classifies from its cls token, so its patch tokens may hold less of what
    it knows. It is off here (the class keeps the plain reading) and on in
    every shipped LFCC config (``configs/_base_/methods/
    lfcc_two_stages.py``), where the CIFAR-10 benchmark's ablation
    ``lfcc_nocls`` measures it.

    Args:
        in_channels (int): Channels ``C`` of the recorded feature.
        embed_dim (int): Dimension ``D`` of the compact space. Defaults to 128.
        scales (Sequence[int]): Output grid sides, one per low-pass scale.
            Defaults to ``(1, 2, 4)``.
        filter (str): ``'avg'`` (spatial box) or ``'dct'`` (truncated DCT).
            Defaults to ``'avg'``.
        layout (str): ``'nchw'``, ``'nhwc'``, ``'nlc'`` or ``'ncl'``.
            Defaults to ``'nchw'``.
        num_extra_tokens (int): Leading cls/dist tokens to drop for token
            layouts. Defaults to 0.
        hw (Sequence[int], optional): Token grid ``(H, W)``; inferred as a
            square when omitted (Swin tuples carry their own).
        norm (bool): Apply the per-cell LayerNorm. Defaults to True.
        hidden_dim (int, optional): Hidden width of a two-layer MLP
            projector; None keeps the single linear layer. Defaults to None.
        global_token (bool): For a token layout with ``num_extra_tokens >=
            1``, the ``1x1`` scale is the first extra (cls) token; features
            without one (CNN maps, Mixer tokens) keep the global average.
            Defaults to False.
        init_cfg (dict, optional): mmengine initialisation config.
    """

    def __init__(self,
                 in_channels: int,
                 embed_dim: int = 128,
                 scales: Sequence[int] = (1, 2, 4),
                 filter: str = 'avg',
                 layout: str = 'nchw',
                 num_extra_tokens: int = 0,
                 hw: Optional[Sequence[int]] = None,
                 norm: bool = True,
                 hidden_dim: Optional[int] = None,
                 global_token: bool = False,
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(in_channels, layout, num_extra_tokens, hw,
                         init_cfg=init_cfg)
        scales = tuple(scales) if isinstance(scales, (list, tuple)) else ()
        if not scales or any(not isinstance(s, int) or s < 1 for s in scales):
            raise ValueError(
                f'LFCCConnector: scales must be a non-empty list of positive ints, got '
                f'{scales!r}')
        if filter not in RESAMPLE_MATRICES:
            raise ValueError(f'LFCCConnector: filter must be one of '
                             f'{sorted(RESAMPLE_MATRICES)}, got {filter!r}')
        self.embed_dim = embed_dim
        self.scales = scales
        self.global_token = bool(global_token) and self.num_extra_tokens > 0 \
            and self.layout in ('nlc', 'ncl')
        self.filter = filter
        self.norms = nn.ModuleList(
            nn.LayerNorm(in_channels) if norm else nn.Identity()
            for _ in scales)
        if hidden_dim is not None and (not isinstance(hidden_dim, int)
                                       or hidden_dim < 1):
            raise ValueError(f'LFCCConnector: hidden_dim must be a positive '
                             f'int or None, got {hidden_dim!r}')
        self.projs = nn.ModuleList(
            self._projector(in_channels * s * s, embed_dim, hidden_dim)
            for s in scales)

    @staticmethod
    def _projector(in_features: int, out_features: int,
                   hidden_dim: Optional[int]) -> nn.Module:
        """One scale's projection: linear, or Linear-GELU-Linear."""
        if hidden_dim is None:
            return nn.Linear(in_features, out_features)
        return nn.Sequential(
            nn.Linear(in_features, hidden_dim), nn.GELU(),
            nn.Linear(hidden_dim, out_features))

    def extra_repr(self) -> str:
        return (f'{self.layout_repr()}, filter={self.filter!r}, '
                f'scales={self.scales}, global_token={self.global_token}')

    def forward_train(self, feature: Any) -> Tensor:
        """Map one feature to the compact space.

        Args:
            feature (Tensor | tuple): ``(B, C, H, W)``, ``(B, N, C)``,
                ``(B, C, N)`` or ``((B, N, C), (H, W))``.

        Returns:
            Tensor: ``(B, S, D)``, L2-normalised along ``D``.
        """
        x = self.to_map(feature)
        out = []
        for s, norm, proj in zip(self.scales, self.norms, self.projs):
            if s == 1 and self.global_token:
                y = self.extra_tokens(feature)[:, :1]        # (B, 1, C)
                y = y.transpose(1, 2)[..., None]             # (B, C, 1, 1)
            else:
                y = low_pass(x, s, self.filter)              # (B, C, s, s)
            y = norm(y.permute(0, 2, 3, 1))                  # (B, s, s, C)
            out.append(proj(y.flatten(1)))                   # (B, D)
        return F.normalize(torch.stack(out, dim=1), dim=-1)  # (B, S, D)

