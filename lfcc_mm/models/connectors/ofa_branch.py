"""OFABranch: one intermediate student feature -> logits (OFA-KD exits)."""
from __future__ import annotations

import math
from typing import Any, List, Optional, Sequence

import torch
import torch.nn.functional as F
from mmcv.cnn import ConvModule, DepthwiseSeparableConvModule
from mmpretrain.models.backbones.vision_transformer import \
    TransformerEncoderLayer
from mmpretrain.models.utils import PatchMerging
from mmrazor.registry import MODELS
from torch import Tensor, nn

from .layout_connector import LayoutConnector

BRANCHES = ('cnn', 'token')


@MODELS.register_module()
class OFABranch(LayoutConnector):
    """Project one intermediate student feature into the logit space.

    OFA-KD (Hao et al., NeurIPS 2023) attaches an exit branch to several
    student stages; each branch turns its stage's feature into class logits,
    which :class:`~lfcc_mm.models.losses.OFALoss` then matches to the
    teacher's logits. The logit space is architecture-agnostic, so teacher and
    student may come from different families. Two branch types:

    - ``'cnn'`` (default for ``layout='nchw'``): ``num_downsamples``
      depth-wise separable conv blocks, each halving the resolution, bring
      the feature to the last stage's scale (channels double per block, the
      last block outputs ``out_channels``); with no downsampling a 1x1 conv
      maps to ``out_channels``. Then global average pooling and a linear
      classifier.
    - ``'token'`` (default for ``'nlc'``/``'ncl'``): extra (cls/dist) tokens
      are dropped, ``num_downsamples`` patch-merging steps (2x2 merge,
      LayerNorm, linear) shrink the token grid (the first maps to
      ``out_channels``), ``num_blocks`` transformer encoder layers of width
      ``out_channels`` follow, then the mean token, a LayerNorm and a linear
      classifier.

    With ``stage`` (1-based, as in the paper's stage 1-4) and ``num_stages``
    the defaults follow the authors' release: a CNN branch at stage ``k``
    downsamples ``num_stages - k`` times; a token branch merges until the
    grid side is ``final_grid`` (7, i.e. 14x14 -> 7x7 for 224 px inputs with
    16 px patches; needs ``hw``) and has ``max(num_stages - k, 1)``
    transformer layers. ``num_downsamples``/``num_blocks`` override them.

    Our choices where the paper is vague: each CNN block is two depth-wise
    separable convs (3x3 depth-wise + 1x1 point-wise, each followed by BN and
    ReLU; the first with stride 2) built from mmcv's
    ``DepthwiseSeparableConvModule``; by default the token branch drops the
    cls token and classifies the mean token after a LayerNorm;
    ``keep_extra_tokens=True`` instead does what the authors' code
    (``distillers/ofa.py`` of Hao840/OFAKD) does for students with a cls
    token: the extra tokens skip the merging, join the merged grid in front
    before the transformer layers, and the classifier reads them (here after
    the LayerNorm; several extra tokens are concatenated, and a linear layer
    maps them to ``out_channels`` when the widths differ, two cases the
    authors' code does not handle); GELU separates consecutive merges; a
    linear projection replaces merging when ``num_downsamples=0`` and the
    widths differ; mmpretrain's ``PatchMerging`` and
    ``TransformerEncoderLayer`` are the building blocks. Recommended
    ``out_channels``: ``max(C_last_student, C_last_teacher)`` for CNN
    branches and ``C_last_student`` for token branches (as in the authors'
    code).

    Args:
        in_channels (int): Channels ``C`` of the recorded feature.
        num_classes (int): Number of classes (width of the logits).
        out_channels (int): Width of the branch's last layer (classifier
            input; transformer width of a token branch).
        layout (str): ``'nchw'``, ``'nhwc'``, ``'nlc'`` or ``'ncl'``.
            Defaults to ``'nchw'``.
        num_extra_tokens (int): Leading cls/dist tokens to drop for token
            layouts. Defaults to 0.
        hw (Sequence[int], optional): Token grid ``(H, W)`` of the feature;
            needed by a token branch when ``num_downsamples`` is not given.
            A square grid is inferred at run time for the layout conversion
            when omitted.
        branch (str, optional): ``'cnn'``, ``'token'`` or None (by layout:
            ``'nchw'`` -> ``'cnn'``, else ``'token'``). A token branch accepts
            CNN maps too and vice versa.
        stage (int, optional): 1-based index of the student stage this branch
            taps, ``1 <= stage <= num_stages``. Needed when
            ``num_downsamples`` (CNN) or ``num_blocks`` (token) are not given.
        num_stages (int): Number of student stages. Defaults to 4.
        num_downsamples (int, optional): Explicit number of stride-2
            downsampling (CNN) or 2x2 merging (token) steps.
        num_blocks (int, optional): Transformer layers of a token branch.
        num_heads (int): Attention heads of a token branch. Defaults to 4.
        mlp_ratio (float): Feed-forward width / ``out_channels`` of a token
            branch. Defaults to 4.0.
        final_grid (int): Grid side a token branch merges down to when
            ``num_downsamples`` is not given. Defaults to 7.
        keep_extra_tokens (bool): Token branch only: classify from the
            feature's ``num_extra_tokens`` leading (cls/dist) tokens, passed
            through the transformer layers with the merged grid, instead of
            the mean of the grid tokens (OFA-KD's head for students with a
            cls token). Defaults to False.
        init_cfg (dict | list[dict], optional): mmengine initialisation
            config. Defaults to truncated normal (std 0.02) for linear layers
            and Kaiming for convolutions.
    """

    def __init__(self,
                 in_channels: int,
                 num_classes: int,
                 out_channels: int,
                 layout: str = 'nchw',
                 num_extra_tokens: int = 0,
                 hw: Optional[Sequence[int]] = None,
                 branch: Optional[str] = None,
                 stage: Optional[int] = None,
                 num_stages: int = 4,
                 num_downsamples: Optional[int] = None,
                 num_blocks: Optional[int] = None,
                 num_heads: int = 4,
                 mlp_ratio: float = 4.0,
                 final_grid: int = 7,
                 keep_extra_tokens: bool = False,
                 init_cfg: Optional[Any] = None) -> None:
        if init_cfg is None:
            init_cfg = [
                dict(type='TruncNormal', layer='Linear', std=0.02, bias=0.),
                dict(type='Kaiming', layer='Conv2d', mode='fan_out',
                     nonlinearity='relu'),
            ]
        super().__init__(in_channels, layout, num_extra_tokens, hw,
                         init_cfg=init_cfg)
        for key, value in (('num_classes', num_classes),
                           ('out_channels', out_channels),
                           ('num_stages', num_stages),
                           ('num_heads', num_heads),
                           ('final_grid', final_grid)):
            _check_positive_int(key, value)
        for key, value in (('num_downsamples', num_downsamples),
                           ('num_blocks', num_blocks)):
            if value is not None and (not isinstance(value, int) or value < 0):
                raise ValueError(f'OFABranch: {key} must be an int >= 0 or '
                                 f'None, got {value!r}')
        if mlp_ratio <= 0:
            raise ValueError(
                f'OFABranch: mlp_ratio must be > 0, got {mlp_ratio}')
        if branch is None:
            branch = 'cnn' if self.layout == 'nchw' else 'token'
        if branch not in BRANCHES:
            raise ValueError(
                f'OFABranch: branch must be one of {BRANCHES} or None, got {branch!r}')
        if stage is not None and not (isinstance(stage, int)
                                      and 1 <= stage <= num_stages):
            raise ValueError(
                f'OFABranch: stage must be an int in [1, num_stages={num_stages}] '
                f'(1-based, as in the paper), got {stage!r}')
        if keep_extra_tokens and (branch != 'token'
                                  or self.layout not in ('nlc', 'ncl')
                                  or self.num_extra_tokens == 0):
            raise ValueError(
                'OFABranch: keep_extra_tokens=True needs a token branch on '
                "a token layout ('nlc'/'ncl') with num_extra_tokens >= 1 (the "
                f'cls/dist tokens to keep); got branch={branch!r}, '
                f'layout={self.layout!r}, '
                f'num_extra_tokens={self.num_extra_tokens}.')
        self.num_classes = num_classes
        self.out_channels = out_channels
        self.branch = branch
        self.keep_extra_tokens = keep_extra_tokens
        if branch == 'cnn':
            self.num_downsamples = self._cnn_downsamples(
                num_downsamples, stage, num_stages)
            self.num_blocks = 0
            self.body = self._build_cnn_body()
            self.pool = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(1))
        else:
            self.num_downsamples = self._token_downsamples(
                num_downsamples, final_grid)
            self.num_blocks = self._token_blocks(num_blocks, stage,
                                                 num_stages)
            if out_channels % num_heads:
                raise ValueError(
                    f'OFABranch: out_channels={out_channels} must be '
                    f'divisible by '
                    f'num_heads={num_heads} for the token branch.')
            self.mergers = self._build_mergers()
            self.blocks = nn.Sequential(*[
                TransformerEncoderLayer(
                    embed_dims=out_channels,
                    num_heads=num_heads,
                    feedforward_channels=int(out_channels * mlp_ratio))
                for _ in range(self.num_blocks)
            ])
            self.norm = nn.LayerNorm(out_channels)
        num_read = self.num_extra_tokens if keep_extra_tokens else 1
        if keep_extra_tokens:
            self.token_proj = (nn.Identity() if in_channels == out_channels
                               else nn.Linear(in_channels, out_channels))
        self.fc = nn.Linear(out_channels * num_read, num_classes)

    def _cnn_downsamples(self, num_downsamples: Optional[int],
                         stage: Optional[int], num_stages: int) -> int:
        """Stride-2 steps of a CNN branch: explicit, or to the last stage."""
        if num_downsamples is not None:
            return num_downsamples
        if stage is None:
            raise ValueError(
                "OFABranch(branch='cnn') needs `stage` (with `num_stages`) or "
                'an explicit `num_downsamples`.')
        return num_stages - stage

    def _token_downsamples(self, num_downsamples: Optional[int],
                           final_grid: int) -> int:
        """2x2 merging steps of a token branch: explicit, or to the grid."""
        if num_downsamples is not None:
            return num_downsamples
        if self.hw is None:
            raise ValueError(
                "OFABranch(branch='token') needs `hw` (the token grid, e.g. "
                '(14, 14) for 224 px / 16 px patches) or an explicit '
                '`num_downsamples`.')
        side = max(self.hw)
        return max(int(math.floor(math.log2(side / final_grid))), 0)

    @staticmethod
    def _token_blocks(num_blocks: Optional[int], stage: Optional[int],
                      num_stages: int) -> int:
        """Transformer layers of a token branch: explicit, or by stage."""
        if num_blocks is not None:
            return num_blocks
        if stage is None:
            raise ValueError(
                "OFABranch(branch='token') needs `stage` (with `num_stages`) "
                'or an explicit `num_blocks`.')
        return max(num_stages - stage, 1)

    def _build_cnn_body(self) -> nn.Sequential:
        """Depth-wise separable downsampling blocks to ``out_channels``."""
        if self.num_downsamples == 0:
            return nn.Sequential(
                ConvModule(self.in_channels, self.out_channels, 1,
                           act_cfg=None))
        layers: List[nn.Module] = []
        channels = self.in_channels
        for i in range(self.num_downsamples):
            last = i == self.num_downsamples - 1
            out = self.out_channels if last else channels * 2
            layers.append(
                nn.Sequential(
                    DepthwiseSeparableConvModule(
                        channels, channels, 3, stride=2, padding=1,
                        norm_cfg=dict(type='BN')),
                    DepthwiseSeparableConvModule(
                        channels, out, 3, stride=1, padding=1,
                        norm_cfg=dict(type='BN'))))
            channels = out
        return nn.Sequential(*layers)

    def _build_mergers(self) -> nn.ModuleList:
        """Patch-merging steps (or one projection) to ``out_channels``."""
        if self.num_downsamples == 0:
            proj = (nn.Identity() if self.in_channels == self.out_channels
                    else nn.Linear(self.in_channels, self.out_channels))
            return nn.ModuleList([proj])
        return nn.ModuleList(
            PatchMerging(self.in_channels if i == 0 else self.out_channels,
                         self.out_channels, kernel_size=2)
            for i in range(self.num_downsamples))

    def extra_repr(self) -> str:
        return (f'{self.layout_repr()}, branch={self.branch!r}, '
                f'num_downsamples={self.num_downsamples}, '
                f'num_blocks={self.num_blocks}, '
                f'keep_extra_tokens={self.keep_extra_tokens}')

    def forward_train(self, feature: Any) -> Tensor:
        """Map one feature to class logits.

        Args:
            feature (Tensor | tuple): ``(B, C, H, W)``, ``(B, N, C)``,
                ``(B, C, N)`` or ``((B, N, C), (H, W))``.

        Returns:
            Tensor: Logits ``(B, num_classes)``.
        """
        x = self.to_map(feature)                          # (B, C, H, W)
        if self.branch == 'cnn':
            x = self.pool(self.body(x))                   # (B, out)
        else:
            extra = (self.extra_tokens(feature)
                     if self.keep_extra_tokens else None)
            x = self._forward_tokens(x, extra)            # (B, out * k)
        return self.fc(x)

    def _forward_tokens(self, x: Tensor,
                        extra: Optional[Tensor] = None) -> Tensor:
        """Token branch body: ``(B, C, H, W)`` -> ``(B, out)``, or with
        ``extra`` ``(B, k, C)`` tokens -> their outputs ``(B, k * out)``."""
        size = tuple(x.shape[2:])
        x = x.flatten(2).transpose(1, 2)                  # (B, HW, C)
        for i, merger in enumerate(self.mergers):
            if isinstance(merger, PatchMerging):
                if i > 0:
                    x = F.gelu(x)
                x, size = merger(x, size)                 # (B, HW/4, out)
            else:
                x = merger(x)                             # (B, HW, out)
        if extra is not None:
            k = extra.shape[1]
            x = torch.cat([self.token_proj(extra), x], 1)  # (B, k + N, out)
            x = self.blocks(x)
            return self.norm(x[:, :k]).flatten(1)         # (B, k * out)
        x = self.blocks(x)                                # (B, N, out)
        return self.norm(x.mean(dim=1))                   # (B, out)


def _check_positive_int(key: str, value: Any) -> None:
    """Raise a one-line error unless ``value`` is a positive int."""
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(
            f'OFABranch: {key} must be a positive int, got {value!r}')

