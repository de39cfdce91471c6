"""Small models for 32x32 inputs and the teacher-student pairs built from them.

A :class:`ModelSpec` says everything the benchmark needs about one network:
the mmpretrain backbone/neck/head, the module whose output is the logits (for
vanilla KD) and the stage taps that LFCC may distil (module path, layout,
channels). A :class:`PairSpec` names a teacher, a student and which student
tap is matched with which teacher tap.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple


@dataclass(frozen=True)
class Tap:
    """One recordable intermediate feature.

    Args:
        source (str): Module path inside the ``ImageClassifier``.
        channels (int): Channels ``C`` of the feature.
        layout (str): ``'nchw'``, ``'nlc'`` or ``'ncl'`` (see
            :func:`lfcc_mm.models.connectors.layouts.to_nchw`).
        num_extra_tokens (int): Leading cls tokens to drop. Defaults to 0.
    """

    source: str
    channels: int
    layout: str
    num_extra_tokens: int = 0

    def connector(self, embed_dim: int, scales: Tuple[int, ...]) -> dict:
        """The :class:`LFCCConnector` config for this tap.

        Args:
            embed_dim (int): Compact-space dimension ``D``.
            scales (tuple[int]): Low-pass output sides.

        Returns:
            dict: Connector config.
        """
        return dict(type='LFCCConnector', in_channels=self.channels,
                    embed_dim=embed_dim, scales=tuple(scales),
                    layout=self.layout,
                    num_extra_tokens=self.num_extra_tokens)


@dataclass(frozen=True)
class ModelSpec:
    """An mmpretrain ``ImageClassifier`` and its distillation taps.

    Args:
        name (str): Short name used in tables and work dirs.
        family (str): ``'CNN'``, ``'ViT'`` or ``'MLP-Mixer'``.
        backbone (dict): mmpretrain backbone config.
        neck (dict, optional): mmpretrain neck config.
        feat_channels (int): Channels entering the linear head.
        taps (dict[str, Tap]): Stage taps by name (``'s1'``, ``'s2'``, ...).
        logits (str): Module path whose output is the logits.
    """

    name: str
    family: str
    backbone: dict
    neck: Optional[dict]
    feat_channels: int
    taps: Dict[str, Tap]
    logits: str = 'head.fc'

    def classifier(self, num_classes: int) -> dict:
        """The ``ImageClassifier`` config (no data preprocessor).

        Args:
            num_classes (int): Number of classes of the head.

        Returns:
            dict: Model config in the mmpretrain scope.
        """
        return dict(
            type='ImageClassifier', _scope_='mmpretrain',
            backbone=dict(self.backbone), neck=self.neck and dict(self.neck),
            head=dict(type='LinearClsHead', num_classes=num_classes,
                      in_channels=self.feat_channels,
                      loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))


def _resnet(name: str, width: int) -> ModelSpec:
    """A CIFAR ResNet-18 of base width ``width``, stride-2 first stage.

    Stages are ``16x16, 8x8, 4x4, 4x4`` for a 32x32 input.
    """
    return ModelSpec(
        name=name, family='CNN',
        backbone=dict(type='ResNet_CIFAR', depth=18, base_channels=width,
                      stem_channels=width, strides=(2, 2, 2, 1)),
        neck=dict(type='GlobalAveragePooling'), feat_channels=8 * width,
        taps={f's{i + 1}': Tap(f'backbone.layer{i + 1}', width * 2**i, 'nchw')
              for i in range(4)})


def _vit(name: str, dims: int, layers: int, heads: int) -> ModelSpec:
    """A ViT with 4x4 patches (8x8 tokens + cls) for 32x32 inputs."""
    return ModelSpec(
        name=name, family='ViT',
        backbone=dict(type='VisionTransformer', img_size=32, patch_size=4,
                      arch=dict(embed_dims=dims, num_layers=layers,
                                num_heads=heads,
                                feedforward_channels=2 * dims),
                      drop_path_rate=0.1),
        neck=None, feat_channels=dims,
        taps={f's{i + 1}': Tap(f'backbone.layers.{(i + 1) * layers // 4 - 1}',
                               dims, 'nlc', num_extra_tokens=1)
              for i in range(4)})


def _mixer(name: str, dims: int, layers: int) -> ModelSpec:
    """An MLP-Mixer with 4x4 patches (8x8 tokens) for 32x32 inputs."""
    return ModelSpec(
        name=name, family='MLP-Mixer',
        backbone=dict(type='MlpMixer', img_size=32, patch_size=4,
                      arch=dict(embed_dims=dims, num_layers=layers,
                                tokens_mlp_dims=dims // 2,
                                channels_mlp_dims=2 * dims),
                      drop_path_rate=0.1),
        neck=dict(type='GlobalAveragePooling', dim=1), feat_channels=dims,
        taps={f's{i + 1}': Tap(f'backbone.layers.{(i + 1) * layers // 4 - 1}',
                               dims, 'nlc')
              for i in range(4)})


#: Every model of the benchmark, by name.
MODEL_SPECS: Dict[str, ModelSpec] = {
    spec.name: spec for spec in (
        _resnet('resnet18-w16', 16),    # 0.70 M params, CNN student
        _resnet('resnet18-w32', 32),    # 2.8 M params, CNN teacher
        _vit('vit-t', 96, 4, 3),        # 0.31 M params, ViT student
        _vit('vit-s', 128, 6, 4),       # 0.81 M params, ViT teacher
        _mixer('mixer-t', 96, 4),       # 0.18 M params, Mixer student
    )
}


@dataclass(frozen=True)
class PairSpec:
    """A heterogeneous teacher-student pair.

    Args:
        name (str): Short name (``'vit2cnn'``...).
        teacher (str): Key of :data:`MODEL_SPECS`.
        student (str): Key of :data:`MODEL_SPECS`.
        taps (tuple): ``(student_tap, teacher_tap)`` names distilled by LFCC,
            one :class:`LFCCLoss` each.
    """

    name: str
    teacher: str
    student: str
    taps: Tuple[Tuple[str, str], ...] = field(
        default=(('s3', 's3'), ('s4', 's4')))

    def __post_init__(self) -> None:
        for role in ('teacher', 'student'):
            if getattr(self, role) not in MODEL_SPECS:
                raise KeyError(f'pair {self.name!r}: {role} '
                               f'{getattr(self, role)!r} is not one of '
                               f'{sorted(MODEL_SPECS)}')
        for s_tap, t_tap in self.taps:
            if s_tap not in MODEL_SPECS[self.student].taps or \
                    t_tap not in MODEL_SPECS[self.teacher].taps:
                raise KeyError(f'pair {self.name!r}: tap pair '
                               f'({s_tap!r}, {t_tap!r}) is not a student/'
                               'teacher tap')

    @property
    def teacher_spec(self) -> ModelSpec:
        """The teacher's :class:`ModelSpec`."""
        return MODEL_SPECS[self.teacher]

    @property
    def student_spec(self) -> ModelSpec:
        """The student's :class:`ModelSpec`."""
        return MODEL_SPECS[self.student]


#: The heterogeneous pairs of the benchmark, by name.
PAIRS: Dict[str, PairSpec] = {
    pair.name: pair for pair in (
        PairSpec('vit2cnn', teacher='vit-s', student='resnet18-w16'),
        PairSpec('cnn2mixer', teacher='resnet18-w32', student='mixer-t'),
        PairSpec('cnn2vit', teacher='resnet18-w32', student='vit-t'),
    )
}

#: The quickstart's pair: a small CNN teacher and a tiny ViT student, cheap
#: enough for 4 trainings on 2 CPU cores within 5 minutes.
QUICKSTART_PAIR = PairSpec('cnn2vit-digits', teacher='resnet18-w16',
                           student='vit-t')
