"""LayoutConnector: the base of every connector that reads any layout.

:class:`~lfcc_mm.models.connectors.LFCCConnector`,
:class:`~lfcc_mm.models.connectors.LayoutAdapter` and
:class:`~lfcc_mm.models.connectors.OFABranch` all take one recorded
feature of a CNN, ViT, MLP-Mixer or Swin and first turn it into a
``(B, C, H, W)`` map. What they share lives here, once: the arguments that
describe the recorded feature (``in_channels``, ``layout``,
``num_extra_tokens``, ``hw``), their validation when the config is built,
the ``name`` used in error messages (set by
:class:`~lfcc_mm.models.distillers.CheckedDistiller` to the connector's
config key) and :meth:`LayoutConnector.to_map`. Which layout an
architecture emits is known only by
:mod:`~lfcc_mm.models.connectors.layouts`.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from mmrazor.models.architectures.connectors.base_connector import \
    BaseConnector
from torch import Tensor

from .layouts import check_layout, to_checked_map


def _is_int(value: Any) -> bool:
    """Whether ``value`` is an int (a bool is not one here)."""
    return isinstance(value, int) and not isinstance(value, bool)


class LayoutConnector(BaseConnector):
    """A connector whose input is one recorded feature in a declared layout.

    Subclasses implement ``forward_train`` and start it with
    ``x = self.to_map(feature)``; they get their arguments checked at
    construction, so a wrong config fails when the model is built, with a
    message that names the argument, the value seen and how to fix it.

    Args:
        in_channels (int): Channels ``C`` of the recorded feature.
        layout (str): ``'nchw'`` for CNN maps ``(B, C, H, W)``, ``'nhwc'``
            for channels-last maps ``(B, H, W, C)`` (timm Swin),
            ``'nlc'`` for tokens ``(B, N, C)`` (ViT, timm Mixer), ``'ncl'``
            for tokens ``(B, C, N)`` (mmpretrain's ``MlpMixer``). Defaults
            to ``'nchw'``.
        num_extra_tokens (int): Leading cls/dist tokens to drop for token
            layouts. Defaults to 0.
        hw (Sequence[int], optional): Token grid ``(H, W)``; a square grid
            is inferred when omitted (Swin ``(tokens, hw)`` tuples carry
            their own).
        init_cfg (dict | list[dict], optional): mmengine initialisation
            config.

    Raises:
        LayoutError: ``layout`` is not a known layout (a ``ValueError``).
        ValueError: ``in_channels``, ``num_extra_tokens`` or ``hw`` is
            invalid.
    """

    def __init__(self,
                 in_channels: int,
                 layout: str = 'nchw',
                 num_extra_tokens: int = 0,
                 hw: Optional[Sequence[int]] = None,
                 init_cfg: Optional[Union[Dict, List[Dict]]] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        owner = type(self).__name__
        if not _is_int(in_channels) or in_channels <= 0:
            raise ValueError(
                f'{owner}: in_channels must be a positive int (the channels C '
                f'of the recorded feature), got {in_channels!r}.')
        if not _is_int(num_extra_tokens) or num_extra_tokens < 0:
            raise ValueError(
                f'{owner}: num_extra_tokens must be an int >= 0 (the leading '
                f'cls/dist tokens to drop, e.g. 1 for a ViT with a cls '
                f'token), got {num_extra_tokens!r}.')
        self.in_channels: int = in_channels
        self.layout: str = check_layout(layout, owner)
        self.num_extra_tokens: int = num_extra_tokens
        self.hw: Optional[Tuple[int, int]] = self._check_hw(hw)
        # Set by CheckedDistiller to the config key, for error messages.
        self.name: str = owner

    def _check_hw(self,
                  hw: Optional[Sequence[int]]) -> Optional[Tuple[int, int]]:
        """``hw`` as an ``(H, W)`` tuple of positive ints, or None."""
        if hw is None:
            return None
        grid = tuple(hw) if isinstance(hw, (list, tuple)) else ()
        if len(grid) != 2 or not all(_is_int(s) and s > 0 for s in grid):
            raise ValueError(
                f'{type(self).__name__}: hw must be None or the token grid '
                f'(H, W) as two positive ints, e.g. (14, 14) for 224 px '
                f'inputs and 16 px patches; got {hw!r}.')
        return grid  # type: ignore[return-value]

    def layout_repr(self) -> str:
        """The layout arguments, for :meth:`extra_repr` of subclasses."""
        return (f'in_channels={self.in_channels}, layout={self.layout!r}, '
                f'num_extra_tokens={self.num_extra_tokens}, hw={self.hw}')

    def extra_tokens(self, feature: Any) -> Tensor:
        """The leading ``num_extra_tokens`` (cls/dist) tokens of a feature.

        Call it after :meth:`to_map` (which checks the feature).

        Args:
            feature (Tensor | tuple): Tokens ``(B, N, C)`` (``'nlc'``) or
                ``(B, C, N)`` (``'ncl'``), or a ``(tokens, hw)`` tuple.

        Returns:
            Tensor: ``(B, num_extra_tokens, C)``.
        """
        tokens = feature[0] if isinstance(feature, (tuple, list)) else feature
        k = self.num_extra_tokens
        if self.layout == 'ncl':
            return tokens[:, :, :k].transpose(1, 2)
        return tokens[:, :k]

    def to_map(self, feature: Any) -> Tensor:
        """Convert a recorded feature to ``(B, C, H, W)`` and check ``C``.

        Args:
            feature (Tensor | tuple): The recorded module output:
                ``(B, C, H, W)``, ``(B, H, W, C)``, ``(B, N, C)``,
                ``(B, C, N)`` or a Swin ``((B, N, C), (H, W))`` tuple, as
                declared by ``layout``.

        Returns:
            Tensor: ``(B, in_channels, H, W)``, a view where possible.

        Raises:
            LayoutError: The feature does not have the declared layout or
                ``in_channels``; the message starts with :attr:`name`.
        """
        return to_checked_map(feature, self.layout, self.in_channels,
                              self.num_extra_tokens, self.hw,
                              where=f'{self.name} (layout={self.layout!r})')
