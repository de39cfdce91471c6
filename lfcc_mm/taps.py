"""Find the taps of a new teacher / student pair by one dry forward.

Distilling features between two architectures needs, for each side, the
module whose output is read (the recorder ``source``), the layout of that
output and its channels (the connector arguments of
:mod:`lfcc_mm.models.connectors.layouts`). This module finds them without
hand-written code per architecture:

1. :func:`record_outputs` runs one ``(1, 3, S, S)`` zero image through the
   classifier (eval mode, no grad) with a forward hook on every module and
   keeps each module's output shape, in the order the modules *finish*
   (a container finishes after its children).
2. :func:`infer_tap` reads a layout from a shape and the input size ``S``:

   - a ``(tokens, (H, W))`` tuple (mmpretrain's Swin stages): ``'nlc'``,
     grid ``(H, W)``;
   - ``(B, C, H, W)`` whose last two dims form the grid of an image seen
     at a power-of-two stride (``H == ceil(S / stride)``): ``'nchw'``;
     otherwise ``(B, H, W, C)`` with dims 1-2 forming it: ``'nhwc'`` (timm
     Swin). A map with ``C == W`` would read as ``'nchw'``: a 4-D tensor
     cannot tell its layout, so this is a guess the output shows;
   - ``(B, N, C)`` with ``N - e`` a square grid for ``0 <= e <= 8`` extra
     (cls / dist / register) tokens, ``e`` at most half the grid:
     ``'nlc'``, ``num_extra_tokens = e``;
     else the transposed ``(B, C, N)``: ``'ncl'`` (mmpretrain's Mixer).

   1x1 grids (pooled features) and rank-2 outputs are not taps.
3. :func:`probe_model` keeps the taps of the backbone (``backbone.*`` for
   mmpretrain's ``ImageClassifier``, ``model.*`` for ``TimmClassifier``,
   up to the first rank-2 output, i.e. the head). A **stage** is the last
   module to produce a given stride. A model whose taps have one stride only
   (ViT, MLP-Mixer) is *isotropic*; its **blocks** are the longest run of
   siblings ``P.0 .. P.n-1`` (e.g. ``backbone.layers.*``, ``model.blocks.*``).
4. Taps of a pair (:func:`pair_taps`):

   - LFCC, ``mid`` and ``last`` (the shipped configs' two stages): a
     hierarchical side taps its stages at the two largest strides that both
     sides have when both are hierarchical, else its own last two stages
     (``(B, C, H, W)`` at 1/16 and 1/32 for a ResNet-like model); an
     isotropic side taps block ``ceil(2d/3)`` and block ``d`` of ``d``
     (1-based: 8 and 12 of 12, 6 and 8 of 8, as the shipped DeiT-S and
     Mixer-S configs).
   - OFA-KD, ``stage1`` .. ``stage4`` of the student: a hierarchical student's
     last four stages; an isotropic one's blocks at the stage ends of a
     ``(2, 2, 6, 2)`` split of its depth (OFA-KD's ViT taps: blocks 2, 4, 10
     and 12 of 12).

:func:`pair_config_text` then writes a config of the same shape as the
shipped pair configs (``_base_`` recipe + method), readable, with the
shapes seen in comments. ``tools/analysis/list_taps.py`` prints what a model
offers; ``tools/misc/make_pair_config.py`` writes the config.
"""
from __future__ import annotations

import math
import os
import os.path as osp
import re
import textwrap
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

import torch
from torch import Tensor, nn

from lfcc_mm.errors import UserError
from lfcc_mm.fileio import write_text_atomic

# The shipped configs as the package sees them: lfcc_mm/.mim/configs is a
# symlink to the checkout's configs/ and real files in a built wheel, so this
# never climbs out of the package (tests/test_architecture.py).
REPO_CONFIGS = osp.realpath(
    osp.join(osp.dirname(osp.abspath(__file__)), '.mim', 'configs'))
DEFAULT_OUT_DIR = osp.join(REPO_CONFIGS, 'generated')
METHODS = ('lfcc', 'lfcc-kd', 'kd', 'ofa')
MAX_EXTRA_TOKENS = 8
# OFA-KD's stage ends of an isotropic model, as a (2, 2, 6, 2) split of 12.
OFA_ISOTROPIC_ENDS = (2, 4, 10, 12)
# ImageNet-1K recipe per student family (the shipped pair configs' choice).
RECIPES = {
    'cnn': ('in1k_sgd-100e_8xb32.py', 32),
    'token': ('in1k_adamw-300e-deit_8xb128.py', 128),
}
METHOD_BASES = {
    'lfcc': ['methods/lfcc_two_stages.py'],
    'lfcc-kd': ['methods/lfcc_two_stages.py', 'methods/logit_kd_terms.py'],
    'kd': ['methods/kd_logits.py'],
    'ofa': ['methods/ofa_logits.py'],
}
METHOD_TITLES = {
    'lfcc': 'LFCC', 'lfcc-kd': 'LFCC + logit KD', 'kd': 'Vanilla KD',
    'ofa': 'OFA-KD'
}


@dataclass
class Tap:
    """One module output that a connector can read.

    Attributes:
        name (str): Module path inside the classifier (a recorder source).
        module_type (str): The module's class name.
        shape (tuple): Output shape (the token tensor's, for a tuple).
        layout (str): ``'nchw'``, ``'nhwc'``, ``'nlc'`` or ``'ncl'``.
        channels (int): Channels ``C``.
        grid (tuple[int, int]): Spatial grid ``(H, W)``.
        stride (int): Input side / grid side (a power of two).
        num_extra_tokens (int): Leading cls/dist tokens (token layouts).
        is_tuple (bool): The output is a Swin ``(tokens, (H, W))`` tuple.
    """
    name: str
    module_type: str
    shape: Tuple[int, ...]
    layout: str
    channels: int
    grid: Tuple[int, int]
    stride: int
    num_extra_tokens: int = 0
    is_tuple: bool = False

    def connector_args(self) -> Dict[str, Any]:
        """``in_channels`` and, where not the default, layout arguments."""
        args: Dict[str, Any] = dict(in_channels=self.channels)
        if self.layout != 'nchw':
            args['layout'] = self.layout
        if self.num_extra_tokens:
            args['num_extra_tokens'] = self.num_extra_tokens
        return args

    def describe(self) -> str:
        """Shape and grid, for comments: ``(1, 197, 384) nlc 14x14 +1``."""
        what = 'tuple ' if self.is_tuple else ''
        extra = (f', {self.num_extra_tokens} extra token(s)'
                 if self.num_extra_tokens else '')
        return (f'{what}{self.shape} {self.layout}, {self.grid[0]}x'
                f'{self.grid[1]} at 1/{self.stride}{extra}')


@dataclass
class ModelProbe:
    """What one dry forward tells about a classifier.

    Attributes:
        spec (str): What the user named (model name, config, ``timm:``).
        short (str): Short lower-case name for file names (``deit-tiny``).
        model_cfg (dict): The model dict a config builds it with.
        input_size (int): Side of the dry-forward image.
        taps (list[Tap]): Every backbone tap, in finishing order.
        stages (list[Tap]): The last tap of each stride, by stride.
        blocks (list[Tap]): An isotropic model's blocks (else empty).
        logits (str): Module path of the logits (last ``(1, K)`` leaf).
        head_in_channels (int): Input width of that module.
        loss_module (str): Path of the classification loss module.
        data_preprocessor (dict): ``mean`` / ``std`` the weights expect.
        ckpt (str, optional): Weights for a teacher (``teacher_ckpt``).
        pretrained_by_timm (bool): Weights come from timm (no ``ckpt``).
    """
    spec: str
    short: str
    model_cfg: Dict[str, Any]
    input_size: int
    taps: List[Tap]
    stages: List[Tap]
    blocks: List[Tap]
    logits: str
    head_in_channels: int
    loss_module: str
    data_preprocessor: Dict[str, List[float]]
    ckpt: Optional[str] = None
    pretrained_by_timm: bool = False

    @property
    def isotropic(self) -> bool:
        """One resolution throughout (ViT, MLP-Mixer)."""
        return len(self.stages) < 2

    @property
    def family(self) -> str:
        """``'cnn'`` when the last stage is a ``(B, C, H, W)`` map, else
        ``'token'`` (picks the recipe and the OFA branch)."""
        last = self.blocks[-1] if self.isotropic else self.stages[-1]
        return 'cnn' if last.layout == 'nchw' else 'token'


# --------------------------------------------------------------- layouts --
def _stride_of(side: int, input_size: int) -> Optional[int]:
    """The power-of-two stride at which ``input_size`` gives ``side``."""
    if side < 2:
        return None
    stride = 1
    while stride <= input_size:
        if -(-input_size // stride) == side:
            return stride
        stride *= 2
    return None


def _square_stride(h: int, w: int, input_size: int) -> Optional[int]:
    """Stride of an ``h x w`` grid of a square input, or None."""
    return _stride_of(h, input_size) if h == w else None


def infer_tap(name: str, module_type: str, output: Any,
              input_size: int) -> Optional[Tap]:
    """Read layout, channels, grid and extra tokens from one output.

    Args:
        name (str): Module path.
        module_type (str): Class name of the module.
        output (Tensor | tuple): The module's output on a ``(1, 3, S, S)``
            input (only shapes are read).
        input_size (int): ``S``.

    Returns:
        Tap | None: None when the output is no spatial feature (pooled,
        rank 2, a grid that no power-of-two stride gives, other tuples).
    """
    if (isinstance(output, (tuple, list)) and len(output) == 2
            and isinstance(output[0], Tensor) and output[0].dim() == 3
            and isinstance(output[1], (tuple, list)) and len(output[1]) == 2):
        tokens, (h, w) = output[0], (int(output[1][0]), int(output[1][1]))
        stride = _square_stride(h, w, input_size)
        if stride is None or tokens.shape[1] != h * w:
            return None
        return Tap(name, module_type, tuple(tokens.shape), 'nlc',
                   int(tokens.shape[2]), (h, w), stride, 0, is_tuple=True)
    if not isinstance(output, Tensor):
        return None
    shape = tuple(int(s) for s in output.shape)
    if len(shape) == 4:
        stride = _square_stride(shape[2], shape[3], input_size)
        if stride is not None:
            return Tap(name, module_type, shape, 'nchw', shape[1],
                       (shape[2], shape[3]), stride)
        stride = _square_stride(shape[1], shape[2], input_size)
        if stride is not None:
            return Tap(name, module_type, shape, 'nhwc', shape[3],
                       (shape[1], shape[2]), stride)
        return None
    if len(shape) == 3:
        for layout, n, c in (('nlc', shape[1], shape[2]),
                             ('ncl', shape[2], shape[1])):
            # Extra tokens are few next to the grid: at most half of it.
            for extra in range(min(MAX_EXTRA_TOKENS, n // 3) + 1):
                side = math.isqrt(n - extra)
                stride = (_stride_of(side, input_size)
                          if side * side == n - extra else None)
                if stride is not None:
                    return Tap(name, module_type, shape, layout, c,
                               (side, side), stride, extra)
    return None


# --------------------------------------------------------- dry forward --
def record_outputs(model: nn.Module,
                   input_size: int) -> List[Tuple[str, str, Any, Any]]:
    """Run one zero image through ``model`` and record every module output.

    Args:
        model (nn.Module): An mmpretrain classifier (``mode='tensor'``) or a
            plain ``nn.Module``.
        input_size (int): Side ``S`` of the ``(1, 3, S, S)`` input.

    Returns:
        list[tuple]: ``(name, type name, output, first input)`` per module,
        in the order the modules finish; the root is left out.
    """
    records: List[Tuple[str, str, Any, Any]] = []
    handles = []
    for name, module in model.named_modules():
        if not name:
            continue

        def hook(mod: nn.Module, args: Any, out: Any, name: str = name):
            first = args[0] if isinstance(args, tuple) and args else None
            records.append((name, type(mod).__name__, out, first))

        handles.append(module.register_forward_hook(hook))
    was_training = model.training
    model.eval()
    x = torch.zeros(1, 3, input_size, input_size)
    try:
        with torch.no_grad():
            try:
                model(x, mode='tensor')
            except TypeError:
                model(x)
    except Exception as err:  # noqa: BLE001 - named for the user
        raise UserError(
            f'the dry forward of {type(model).__name__} on a (1, 3, '
            f'{input_size}, {input_size}) input failed ({type(err).__name__}: '
            f'{err}); try the --input-size the model was built for') from err
    finally:
        for h in handles:
            h.remove()
        model.train(was_training)
    return records


def feature_taps(records: Sequence[Tuple[str, str, Any, Any]], prefix: str,
                 input_size: int) -> List[Tap]:
    """The taps of the backbone: spatial outputs under ``prefix``, up to the
    first rank-2 output (the head's pooled feature)."""
    taps = []
    for name, module_type, out, _ in records:
        if not name.startswith(prefix):
            continue
        if isinstance(out, Tensor) and out.dim() == 2:
            break
        tap = infer_tap(name, module_type, out, input_size)
        if tap is not None:
            taps.append(tap)
    return taps


CONTAINERS = ('Sequential', 'ModuleList')


def stages_of(taps: Sequence[Tap]) -> List[Tap]:
    """The last tap of each stride, by increasing stride (stride >= 4).

    A tap inside a module that is no plain container (``Sequential``,
    ``ModuleList``) and outputs another stride is skipped: it is the inside
    of a downsampling block (e.g. the expansion conv of an inverted residual
    block with stride 2 runs at the previous stride), not a stage's output.
    """
    by_name = {t.name: t for t in taps}
    last: Dict[int, Tap] = {}
    for tap in taps:
        parts = tap.name.split('.')
        inner = any(
            (p := by_name.get('.'.join(parts[:i]))) is not None
            and p.module_type not in CONTAINERS and p.stride != tap.stride
            for i in range(1, len(parts)))
        if tap.stride >= 4 and not inner:
            last[tap.stride] = tap
    return [last[s] for s in sorted(last)]


def blocks_of(taps: Sequence[Tap]) -> List[Tap]:
    """The longest run of sibling taps ``P.0 .. P.n-1`` (ties: the later).

    Returns:
        list[Tap]: The blocks in order, or ``[]`` when there is no run of
        two or more.
    """
    groups: Dict[str, Dict[int, Tap]] = {}
    for tap in taps:
        match = re.fullmatch(r'(.+)\.(\d+)', tap.name)
        if match:
            groups.setdefault(match[1], {})[int(match[2])] = tap
    best: List[Tap] = []
    for members in groups.values():
        run = []
        while len(run) in members:
            run.append(members[len(run)])
        if len(run) >= 2 and len(run) >= len(best):
            best = run
    return best


# -------------------------------------------------------- model specs --
def _short_name(name: str) -> str:
    """``deit-tiny_4xb256_in1k`` -> ``deit-tiny``; ``efficientnet_b0`` ->
    ``efficientnet-b0``; ``vit_tiny_patch16_224`` -> ``vit-tiny``;
    file-name safe, lower case."""
    if '_in1k' in name or re.search(r'_\d+xb\d+', name):
        name = name.split('_')[0]
    # timm: drop the patch / input-size suffix (vit_tiny_patch16_224).
    name = re.sub(r'(_patch\d+)?_(224|256|384)$', '', name)
    name = re.sub(r'[^a-z0-9-]+', '-', name.lower().replace('_', '-'))
    return name.strip('-') or 'model'


def resolve_spec(spec: str, role: str) -> Dict[str, Any]:
    """Turn a user's model name into a model dict and its metadata.

    Args:
        spec (str): ``timm:<name>`` (a timm model), an mmpretrain model name
            (``mmpretrain.list_models()``, e.g. ``deit-tiny_4xb256_in1k``),
            an mmpretrain config
            (``mmpretrain::deit/deit-tiny_4xb256_in1k.py``)
            or a config file path; a bare name that mmpretrain does not know
            is tried as a timm model.
        role (str): ``'teacher'`` or ``'student'`` (sets weights and loss).

    Returns:
        dict: ``model_cfg``, ``kind`` (``'mmpretrain'`` / ``'timm'``),
        ``short``, ``ckpt``, ``data_preprocessor``.

    Raises:
        UserError: Unknown model, or a config without a classifier.
    """
    import timm
    from mmengine.config import Config

    if spec.startswith('timm:') or (not spec.endswith('.py')
                                    and not _known_to_mmpretrain(spec)
                                    and timm.is_model(spec)):
        name = spec.split(':', 1)[1] if spec.startswith('timm:') else spec
        if not timm.is_model(name):
            close = timm.list_models(f'*{name[:6]}*')[:5]
            raise UserError(
                f'{role} {spec!r}: timm has no model {name!r} (timm '
                f'{timm.__version__}); close names: {close or "none"}; '
                'see timm.list_models()')
        pcfg = timm.get_pretrained_cfg(name)
        mean = getattr(pcfg, 'mean', (0.485, 0.456, 0.406))
        std = getattr(pcfg, 'std', (0.229, 0.224, 0.225))
        model_cfg: Dict[str, Any] = dict(
            type='mmpretrain.TimmClassifier', model_name=name)
        if role == 'teacher':
            # timm's own ImageNet weights; unscoped, 'CrossEntropyLoss'
            # would resolve to MMRazor's distillation loss.
            model_cfg.update(pretrained=True,
                             loss=dict(type='mmpretrain.CrossEntropyLoss'))
        return dict(
            model_cfg=model_cfg, kind='timm', short=_short_name(name),
            ckpt=None,
            data_preprocessor=dict(
                mean=[round(m * 255, 4) for m in mean],
                std=[round(s * 255, 4) for s in std]))
    if spec.endswith('.py'):
        cfg_path = spec
        if not spec.startswith('mmpretrain::'):
            cfg_path = osp.abspath(spec)
            if not osp.isfile(cfg_path):
                raise UserError(f'{role} config {spec!r} not found (cwd: '
                                f'{os.getcwd()})')
        try:
            from mmengine.hub import get_config
            cfg = (get_config(cfg_path) if cfg_path.startswith('mmpretrain::')
                   else Config.fromfile(cfg_path))
        except Exception as err:  # noqa: BLE001
            raise UserError(f'{role} config {spec!r} cannot be loaded '
                            f'({type(err).__name__}: {err})') from err
        ckpt = None
        short = _short_name(osp.basename(spec)[:-3])
    else:
        from mmpretrain.apis import ModelHub
        try:
            meta = ModelHub.get(spec)
        except ValueError as err:
            raise UserError(
                f'{role} {spec!r} is neither an mmpretrain model name '
                '(mmpretrain.list_models()) nor a timm model (timm.'
                "list_models(); write 'timm:<name>') nor a .py config"
            ) from err
        cfg, ckpt = meta.config, meta.weights
        short = _short_name(spec)
        cfg_path = _mmpretrain_cfg_path(cfg.filename)
    if cfg.get('model', {}).get('type') != 'ImageClassifier':
        raise UserError(
            f'{role} {spec!r}: its config has no `model` of type '
            f"'ImageClassifier' (got {cfg.get('model', {}).get('type')!r})")
    pre = cfg.get('data_preprocessor') or {}
    dp = dict(mean=[float(v) for v in pre.get('mean', [123.675, 116.28,
                                                       103.53])],
              std=[float(v) for v in pre.get('std', [58.395, 57.12, 57.375])])
    return dict(model_cfg=dict(cfg_path=cfg_path, pretrained=False),
                kind='mmpretrain', short=short, ckpt=ckpt,
                data_preprocessor=dp)


def _known_to_mmpretrain(name: str) -> bool:
    """Whether ``name`` is an mmpretrain model name."""
    from mmpretrain.apis import ModelHub
    try:
        ModelHub.get(name)
    except ValueError:
        return False
    return True


def _mmpretrain_cfg_path(filename: str) -> str:
    """``.../mmpretrain/.mim/configs/deit/x.py`` ->
    ``mmpretrain::deit/x.py``."""
    marker = osp.join('.mim', 'configs') + os.sep
    if marker in filename:
        return 'mmpretrain::' + filename.split(marker, 1)[1]
    return filename


def build_classifier(model_cfg: Dict[str, Any]) -> nn.Module:
    """Build a model dict as MMRazor's algorithms do (offline, no weights).

    Args:
        model_cfg (dict): A ``cfg_path`` or ``TimmClassifier`` dict.

    Returns:
        nn.Module: The classifier.
    """
    import lfcc_mm  # noqa: F401  (compat shims before mmrazor)
    from mmrazor.registry import MODELS
    cfg = dict(model_cfg)
    if 'pretrained' in cfg:
        cfg['pretrained'] = False
    return MODELS.build(cfg)


def probe_model(spec: str,
                role: str = 'student',
                input_size: int = 224,
                model: Optional[nn.Module] = None) -> ModelProbe:
    """Resolve ``spec``, build it and find its taps by one dry forward.

    Args:
        spec (str): See :func:`resolve_spec`.
        role (str): ``'teacher'`` or ``'student'``.
        input_size (int): Side of the dry-forward image (the training crop).
        model (nn.Module, optional): The already built classifier.

    Returns:
        ModelProbe: Taps, stages, blocks, logits and metadata.

    Raises:
        UserError: Unknown model, failed dry forward, or no taps found.
    """
    info = resolve_spec(spec, role)
    if model is None:
        model = build_classifier(info['model_cfg'])
    records = record_outputs(model, input_size)
    prefix = 'model.' if info['kind'] == 'timm' else 'backbone.'
    taps = feature_taps(records, prefix, input_size)
    if not taps:
        raise UserError(
            f'{role} {spec!r}: no module under {prefix!r} gives a spatial '
            f'feature on a {input_size}px input (tools/analysis/list_taps.py '
            'shows every output)')
    final = records[-1][2]
    if isinstance(final, (tuple, list)):
        final = final[0]
    num_classes = int(final.shape[-1])
    leaves = [
        r for r in records
        if isinstance(r[2], Tensor) and tuple(r[2].shape) == (1, num_classes)
        and not any(o[0].startswith(r[0] + '.') for o in records)
    ]
    if not leaves:
        raise UserError(f'{role} {spec!r}: found no module that outputs the '
                        f'(1, {num_classes}) logits')
    # The layer that makes the logits (timm heads may end in a Flatten).
    weighted = [r for r in leaves
                if hasattr(model.get_submodule(r[0]), 'weight')]
    logits = (weighted or leaves)[-1]
    head_in = int(logits[3].shape[-1]) if isinstance(logits[3],
                                                     Tensor) else 0
    stages = stages_of(taps)
    blocks = blocks_of([t for t in taps if t.stride == taps[-1].stride])
    if len(stages) < 2 and len(blocks) < 2:
        raise UserError(
            f'{role} {spec!r}: found neither two strides nor a run of '
            f'blocks among its {len(taps)} spatial outputs')
    probe = ModelProbe(
        spec=spec, short=info['short'], model_cfg=info['model_cfg'],
        input_size=input_size, taps=taps, stages=stages,
        blocks=blocks if len(stages) < 2 else [], logits=logits[0],
        head_in_channels=head_in,
        loss_module='loss_module' if info['kind'] == 'timm'
        else 'head.loss_module',
        data_preprocessor=info['data_preprocessor'], ckpt=info['ckpt'],
        pretrained_by_timm=info['kind'] == 'timm')
    if info['kind'] == 'timm' and role == 'student':
        # Scoped (unscoped, MMRazor's distillation 'CrossEntropyLoss' would
        # be built); the loss of the shipped students of each recipe: label
        # smoothing with Mixup / CutMix soft labels (DeiT recipe), else CE.
        probe.model_cfg = dict(probe.model_cfg, loss=(
            dict(type='mmpretrain.CrossEntropyLoss')
            if probe.family == 'cnn' else dict(
                type='mmpretrain.LabelSmoothLoss', label_smooth_val=0.1,
                mode='original')))
    return probe


def list_taps(spec: str, input_size: int = 224,
              model: Optional[nn.Module] = None) -> List[Tap]:
    """Every module output of a classifier that a connector can read.

    The Python form of ``tools/analysis/list_taps.py``: one dry forward of a
    ``(1, 3, input_size, input_size)`` image, each tap with its recorder
    ``source`` (:attr:`Tap.name`), shape and the layout arguments an
    ``LFCCConnector`` needs (:meth:`Tap.connector_args`).

    Args:
        spec (str): An mmpretrain model name or config, or ``timm:<name>``
            (see :func:`resolve_spec`).
        input_size (int): Side of the dry-forward image. Defaults to 224.
        model (nn.Module, optional): The already built classifier.

    Returns:
        list[Tap]: The backbone's spatial outputs, in finishing order.

    Raises:
        UserError: Unknown model, failed dry forward, or no taps found.
    """
    return probe_model(spec, 'student', input_size, model=model).taps


# ------------------------------------------------------------ matching --
def lfcc_side_taps(probe: ModelProbe,
                   strides: Optional[Sequence[int]] = None) -> List[Tap]:
    """``mid`` and ``last`` taps of one side (see the module docstring)."""
    if probe.isotropic:
        d = len(probe.blocks)
        return [probe.blocks[math.ceil(2 * d / 3) - 1], probe.blocks[-1]]
    if strides is None:
        return probe.stages[-2:]
    by_stride = {t.stride: t for t in probe.stages}
    return [by_stride[s] for s in strides]


def ofa_student_taps(probe: ModelProbe) -> List[Tap]:
    """The four OFA-KD branch taps of a student (see the module docstring).

    Raises:
        UserError: A hierarchical student with fewer than four stages.
    """
    if probe.isotropic:
        d = len(probe.blocks)
        ends = sorted({max(1, round(d * e / 12)) for e in OFA_ISOTROPIC_ENDS})
        if len(ends) < 4:
            raise UserError(f'student {probe.spec!r}: {d} blocks are too few '
                            'for four OFA-KD branches')
        return [probe.blocks[e - 1] for e in ends]
    if len(probe.stages) < 4:
        raise UserError(
            f'student {probe.spec!r}: OFA-KD needs four stages but the dry '
            f'forward found {len(probe.stages)} (strides '
            f'{[t.stride for t in probe.stages]})')
    return probe.stages[-4:]


def pair_taps(teacher: ModelProbe,
              student: ModelProbe) -> Dict[str, Tuple[Tap, Tap]]:
    """Match ``mid`` and ``last`` LFCC taps of teacher and student.

    Returns:
        dict: ``{'mid': (student_tap, teacher_tap), 'last': (...)}``.

    Raises:
        UserError: Two hierarchical models with fewer than two common
            strides.
    """
    strides = None
    if not (teacher.isotropic or student.isotropic):
        common = sorted({t.stride for t in teacher.stages}
                        & {t.stride for t in student.stages})
        if len(common) < 2:
            raise UserError(
                f'no two stages match by stride: teacher {teacher.spec!r} '
                f'has strides {[t.stride for t in teacher.stages]}, student '
                f'{student.spec!r} {[t.stride for t in student.stages]} at '
                f'{student.input_size}px; list them with '
                'tools/analysis/list_taps.py and write the taps by hand')
        strides = common[-2:]
    s_taps = lfcc_side_taps(student, strides)
    t_taps = lfcc_side_taps(teacher, strides)
    return dict(mid=(s_taps[0], t_taps[0]), last=(s_taps[1], t_taps[1]))


# ---------------------------------------------------------- config text --
def _fmt(value: Any, indent: int, key: str = 'x',
         col: Optional[int] = None) -> str:
    """A plain ``dict(...)`` literal of ``value`` (nested, wrapped to 79
    columns once written as ``key=...`` at column ``col``, default
    ``indent``; continuation lines are indented by ``indent``)."""
    col = indent if col is None else col
    pad = ' ' * indent
    if isinstance(value, dict):
        items = [f'{k}={_fmt(v, indent + 4, k, col + 4)}'
                 for k, v in value.items()]
        one = 'dict(' + ', '.join(items) + ')'
        if col + len(key) + len(one) + 2 <= 79 and '\n' not in one:
            return one
        inner = (',\n' + pad + '    ').join(items)
        return f'dict(\n{pad}    {inner})'
    return repr(value)


def config_name(method: str, teacher: ModelProbe, student: ModelProbe) -> str:
    """``{method}_{teacher}_{student}_8xb{batch}_in1k.py`` (the repo's
    naming convention; the batch is the student recipe's)."""
    batch = RECIPES[student.family][1]
    return f'{method}_{teacher.short}_{student.short}_8xb{batch}_in1k.py'


def pair_config_text(teacher: ModelProbe, student: ModelProbe, method: str,
                     out_dir: str) -> str:
    """The text of a distillation config for ``teacher -> student``.

    Args:
        teacher (ModelProbe): From :func:`probe_model` (``role='teacher'``).
        student (ModelProbe): From :func:`probe_model`.
        method (str): ``'lfcc'``, ``'lfcc-kd'``, ``'kd'`` or ``'ofa'``.
        out_dir (str): Folder the config goes to (``_base_`` paths are
            relative to it).

    Returns:
        str: The config file's text.
    """
    if method not in METHODS:
        raise UserError(f'--method {method!r}: choose from {METHODS}')
    recipe, _ = RECIPES[student.family]
    base_dir = osp.relpath(osp.join(REPO_CONFIGS, '_base_'),
                           osp.abspath(out_dir))
    bases = [f'{base_dir}/recipes/{recipe}'] + [
        f'{base_dir}/{b}' for b in METHOD_BASES[method]]
    dp_key = 'teacher_data_preprocessor'

    def kind(probe: ModelProbe) -> str:
        return 'isotropic' if probe.isotropic else 'hierarchical'

    doc = textwrap.fill(
        f'{METHOD_TITLES[method]}: {teacher.spec} -> {student.spec} on '
        f'ImageNet-1K, generated by tools/misc/make_pair_config.py from one '
        f'dry forward of each model at {student.input_size} px.', 76)
    about = textwrap.fill(
        f'Teacher: {kind(teacher)} ({_strides(teacher)}); student: '
        f'{kind(student)} ({_strides(student)}); recipe of the student '
        f'family ({student.family}). Taps by the rules of lfcc_mm/taps.py '
        '(stages matched by stride; an isotropic model at blocks '
        "ceil(2d/3) and d for LFCC, at OFA-KD's (2, 2, 6, 2) stage ends for "
        'OFA); tools/analysis/list_taps.py shows every candidate.', 79)
    lines = [
        f'"""{doc}', '', about, '', 'Command:',
        f'    python tools/misc/make_pair_config.py {teacher.spec} '
        f'{student.spec} --method {method}',
        '"""',
        '_base_ = [',
    ] + [f"    '{b}'," for b in bases] + [']', '']
    ckpt = teacher.ckpt
    if teacher.pretrained_by_timm:
        lines.append('# Teacher weights: timm\'s own (pretrained=True, '
                     'downloaded by timm); no teacher_ckpt.')
    distiller = _distiller_text(teacher, student, method)
    model_head = '    _base_.kd_in1k,\n' if method == 'lfcc-kd' else ''
    lines.append('model = dict(\n' + model_head +
                 f'    architecture={_fmt(student.model_cfg, 4)},\n'
                 f'    teacher={_fmt(teacher.model_cfg, 4)},\n'
                 f'    teacher_ckpt={ckpt!r},\n'
                 '    # The teacher\'s own input normalisation.\n'
                 '    teacher_data_preprocessor='
                 f'{_fmt(teacher.data_preprocessor, 4, dp_key)},\n'
                 f'    distiller={distiller})')
    return '\n'.join(lines) + '\n'


def _strides(probe: ModelProbe) -> str:
    """``strides 4/8/16/32`` or ``12 blocks at 1/16``."""
    if probe.isotropic:
        return f'{len(probe.blocks)} blocks at 1/{probe.blocks[0].stride}'
    return 'strides ' + '/'.join(str(t.stride) for t in probe.stages)


def _recorder(key: str, tap: Tap) -> str:
    """``# shape`` comment line, then ``key=dict(source=...),``."""
    return f'# {tap.describe()}\n{key}=dict(source={tap.name!r}),'


def _distiller_text(teacher: ModelProbe, student: ModelProbe,
                    method: str) -> str:
    """The ``distiller=dict(...)`` override of a generated config."""
    s_rec: List[str] = []
    t_rec: List[str] = []
    conn: List[str] = []
    if method in ('lfcc', 'lfcc-kd'):
        for key, (s_tap, t_tap) in pair_taps(teacher, student).items():
            s_rec.append(_recorder(key, s_tap))
            t_rec.append(_recorder(key, t_tap))
            conn.append(f's_{key}={_fmt(s_tap.connector_args(), 0, key, 12)},')
            conn.append(f't_{key}={_fmt(t_tap.connector_args(), 0, key, 12)},')
    if method in ('lfcc-kd', 'kd', 'ofa'):
        kind = 'ModuleOutputs'
        s_rec.append(f"logits=dict(type={kind!r}, source={student.logits!r}),")
        t_rec.append(f"logits=dict(type={kind!r}, source={teacher.logits!r}),")
    if method == 'ofa':
        s_rec.append(f"gt_labels=dict(type='ModuleInputs', "
                     f"source={student.loss_module!r}),")
        width = (student.head_in_channels if student.family == 'token' else
                 max(student.head_in_channels, teacher.head_in_channels))
        final_grid = -(-student.input_size // 32)
        for k, tap in enumerate(ofa_student_taps(student), 1):
            s_rec.append(_recorder(f'stage{k}', tap))
            args = tap.connector_args()
            args['out_channels'] = width
            if tap.layout in ('nchw', 'nhwc'):
                args['branch'] = 'cnn'
            else:
                args.update(branch='token', hw=tap.grid, final_grid=final_grid)
                if args.get('num_extra_tokens'):  # OFA-KD classifies them
                    args['keep_extra_tokens'] = True
            conn.append(f'stage{k}={_fmt(args, 0, "stage1", 12)},')
    pad = '\n            '
    parts = []
    if method == 'lfcc-kd':
        parts.append('_base_.kd_in1k.distiller')
    for key, items in (('student_recorders', s_rec),
                       ('teacher_recorders', t_rec), ('connectors', conn)):
        if items:
            parts.append(f'{key}=dict({pad}{_strip_last_comma(items, pad)})')
    return 'dict(\n        ' + ',\n        '.join(parts) + ')'


def _strip_last_comma(items: List[str], pad: str) -> str:
    """Join recorder lines; the last keeps its comment but loses its comma
    (a comma before ``)`` would still be valid; this reads cleaner)."""
    out = '\n'.join(items).rstrip(',')
    return pad.join(out.split('\n'))


def write_pair_config(teacher: ModelProbe,
                      student: ModelProbe,
                      method: str,
                      out_dir: str = DEFAULT_OUT_DIR,
                      force: bool = False,
                      text: Optional[str] = None) -> str:
    """Write :func:`pair_config_text` to ``out_dir/<config_name>``.

    Args:
        teacher (ModelProbe): The teacher's probe.
        student (ModelProbe): The student's probe.
        method (str): One of :data:`METHODS`.
        out_dir (str): Output folder (created). Defaults to
            ``configs/generated``.
        force (bool): Overwrite an existing file.
        text (str, optional): The text, if already made.

    Returns:
        str: The path written.

    Raises:
        UserError: The file exists and ``force`` is False.
    """
    if text is None:
        text = pair_config_text(teacher, student, method, out_dir)
    path = osp.join(out_dir, config_name(method, teacher, student))
    if osp.exists(path) and not force:
        raise UserError(f'{path} exists; pass --force to overwrite it or '
                        '--out-dir to write elsewhere')
    return write_text_atomic(path, text)
