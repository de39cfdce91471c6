"""Parameters and FLOPs of a config's model, split the way KD papers report.

For a distillation config (``model.architecture`` and ``model.teacher``):

- the **student** (``model.architecture``, the network that is deployed):
  parameters and FLOPs of one image through backbone, neck and head;
- the **teacher**: the same, an inference-only cost paid at every training
  step (no backward, no optimizer state);
- what **distillation adds** in training: every connector of the
  distiller (LFCC connectors, OFA-KD branches, FitNet projectors, ...) with
  its parameters and the FLOPs of its forward on one image's features, and
  the distillation losses' own parameters (a CRD memory, ...). None of it
  is deployed.

FLOPs are counted by ``mmengine.analysis`` (fvcore's rules: one fused
multiply-add is one FLOP; convolutions, linear layers, matmuls, norms and
pooling are counted, element-wise operations are not), on a random image of
the given size with batch size 1. Connector FLOPs are counted on the
features the connector receives in one loss-mode forward of the whole
algorithm (batch 2, the first sample kept). The losses' FLOPs are not
counted: they depend on the batch (a contrastive loss compares every pair of
samples). Parameters are ``sum(p.numel())``, trainable or not.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn

from lfcc_mm.errors import UserError

#: Input side used when neither the command line nor the config gives one.
DEFAULT_SIZE = 224
#: Pipeline transforms whose ``crop_size`` / ``scale`` is the input size.
CROPS = ('CenterCrop', 'RandomCrop')
RESIZES = ('Resize', 'RandomResizedCrop')


@dataclass
class Cost:
    """Parameters and FLOPs of one part of the model.

    Args:
        name (str): What the part is, e.g. ``'student'`` or
            ``'connector s2'``.
        module_type (str): Class name of the module.
        params (int): ``sum(p.numel())`` of its parameters.
        flops (int, optional): FLOPs of one image (``None``: not counted).
        note (str): Why FLOPs are missing, or what the part is for.
    """

    name: str
    module_type: str
    params: int
    flops: Optional[int]
    note: str = ''


@dataclass
class Complexity:
    """The cost table of one config.

    Args:
        input_shape (tuple): ``(3, H, W)`` of the counted image.
        model (Cost, optional): The whole model of a plain (non-distillation)
            config.
        student (Cost, optional): The student of a distillation config.
        teacher (Cost, optional): Its teacher.
        extras (list[Cost]): Connectors and parameterised losses.
    """

    input_shape: Tuple[int, int, int]
    model: Optional[Cost] = None
    student: Optional[Cost] = None
    teacher: Optional[Cost] = None
    extras: List[Cost] = field(default_factory=list)

    @property
    def extra_params(self) -> int:
        """Parameters distillation adds in training."""
        return sum(c.params for c in self.extras)

    @property
    def extra_flops(self) -> Optional[int]:
        """Connector FLOPs per image (``None`` if any was not counted)."""
        flops = [c.flops for c in self.extras if c.note != 'loss']
        return None if any(f is None for f in flops) else sum(flops)


def num_params(module: nn.Module) -> int:
    """``sum(p.numel())`` over the parameters of ``module``."""
    return sum(p.numel() for p in module.parameters())


class _Tensor(nn.Module):
    """A classifier's ``forward(x, mode='tensor')`` (backbone, neck, head)
    as a one-argument module for the FLOP counter."""

    def __init__(self, classifier: nn.Module) -> None:
        super().__init__()
        self.classifier = classifier

    def forward(self, x: torch.Tensor) -> Any:
        return self.classifier(x, mode='tensor')


def count_flops(module: nn.Module, inputs: Tuple[Any, ...]) -> int:
    """FLOPs of ``module(*inputs)`` by ``mmengine.analysis``.

    Args:
        module (nn.Module): Evaluated in eval mode, without gradients.
        inputs (tuple): Its positional arguments.

    Returns:
        int: Total FLOPs (fused multiply-adds count one).
    """
    from mmengine.analysis import FlopAnalyzer
    was_training = module.training
    module.eval()
    try:
        with torch.no_grad():
            analyzer = FlopAnalyzer(module, inputs)
            analyzer.unsupported_ops_warnings(False)
            analyzer.uncalled_modules_warnings(False)
            return int(analyzer.total())
    finally:
        module.train(was_training)


def classifier_cost(name: str, classifier: nn.Module,
                    input_shape: Tuple[int, int, int],
                    note: str = '') -> Cost:
    """Parameters and FLOPs of one image through a classifier.

    Args:
        name (str): Row name.
        classifier (nn.Module): An mmpretrain classifier (``mode='tensor'``
            gives the head's logits).
        input_shape (tuple): ``(3, H, W)``.
        note (str): Shown in the table.

    Returns:
        Cost: Its row.
    """
    x = torch.rand(1, *input_shape)
    try:
        flops: Optional[int] = count_flops(_Tensor(classifier), (x, ))
    except Exception as err:  # noqa: BLE001 - reported in the table
        flops, note = None, f'FLOPs not counted: {type(err).__name__}: {err}'
    return Cost(name, type(classifier).__name__, num_params(classifier),
                flops, note)


def _first_sample(value: Any) -> Any:
    """``value[:1]`` for batched tensors, recursively in tuples and lists."""
    if isinstance(value, torch.Tensor) and value.dim() > 0:
        return value[:1].detach()
    if isinstance(value, (tuple, list)):
        return type(value)(_first_sample(v) for v in value)
    return value


def connector_inputs(algorithm: nn.Module,
                     input_shape: Tuple[int, int, int],
                     num_classes: int = 2) -> Dict[str, Tuple[Any, ...]]:
    """The inputs each connector receives in one loss-mode forward.

    Args:
        algorithm (nn.Module): A built distillation algorithm (with
            ``distiller.connectors``).
        input_shape (tuple): ``(3, H, W)``.
        num_classes (int): Labels are drawn below this. Defaults to 2.

    Returns:
        dict: ``connector name -> positional inputs`` of its first call,
        first sample only.
    """
    from mmpretrain.structures import DataSample
    connectors = getattr(algorithm.distiller, 'connectors', None) or {}
    seen: Dict[str, Tuple[Any, ...]] = {}
    handles = []
    for name, module in connectors.items():
        def hook(mod: nn.Module, args: Tuple[Any, ...],
                 name: str = name) -> None:
            seen.setdefault(name, _first_sample(args))
        handles.append(module.register_forward_pre_hook(hook))
    inputs = torch.rand(2, *input_shape)
    samples = [DataSample().set_gt_label(i % max(num_classes, 1))
               for i in range(2)]
    try:
        algorithm.train()
        with torch.no_grad():
            algorithm(inputs, samples, mode='loss')
    finally:
        for handle in handles:
            handle.remove()
    return seen


def _num_classes(model_cfg: Any) -> int:
    """The student head's ``num_classes`` (2 when it is not in the dict)."""
    head = (model_cfg.get('architecture') or {}).get('head') or {}
    return int(head.get('num_classes') or 2)


def distillation_extras(algorithm: nn.Module,
                        input_shape: Tuple[int, int, int],
                        num_classes: int = 2) -> List[Cost]:
    """One row per connector and per distillation loss with parameters.

    Args:
        algorithm (nn.Module): A built distillation algorithm.
        input_shape (tuple): ``(3, H, W)``.
        num_classes (int): Classes of the labels of the dry forward.

    Returns:
        list[Cost]: Connectors (FLOPs per image) then losses (``note``
        ``'loss'``, FLOPs not counted).
    """
    distiller = algorithm.distiller
    connectors = getattr(distiller, 'connectors', None) or {}
    rows: List[Cost] = []
    try:
        seen = connector_inputs(algorithm, input_shape, num_classes)
        failure = ''
    except Exception as err:  # noqa: BLE001 - reported in the table
        seen, failure = {}, (f'forward failed: {type(err).__name__}: '
                             f'{str(err)[:80]}')
    for name, module in connectors.items():
        flops, note = None, failure or 'not called in the loss forward'
        if name in seen:
            try:
                flops, note = count_flops(module, seen[name]), ''
            except Exception as err:  # noqa: BLE001 - reported
                note = f'FLOPs not counted: {type(err).__name__}'
        rows.append(Cost(f'connector {name}', type(module).__name__,
                         num_params(module), flops, note))
    losses = getattr(distiller, 'distill_losses', None) or {}
    for name, module in losses.items():
        if num_params(module):
            rows.append(Cost(f'loss {name}', type(module).__name__,
                             num_params(module), None, 'loss'))
    return rows


def input_shape_of(cfg: Any, size: Optional[Sequence[int]] = None
                   ) -> Tuple[int, int, int]:
    """``(3, H, W)``: from ``size``, else the config, else 224.

    The config's size is the last crop (``crop_size`` of ``CenterCrop``,
    ``RandomCrop``) or resize (``scale`` of ``Resize``,
    ``RandomResizedCrop``) of the test pipeline, else of the training
    pipeline (test images may come at their size), else the ``img_size``
    of the student's, then the teacher's backbone.

    Args:
        cfg (mmengine.Config): The loaded config.
        size (Sequence[int], optional): ``[S]`` or ``[H, W]``.

    Returns:
        tuple: ``(3, H, W)``.

    Raises:
        UserError: ``size`` has another length or a non-positive side.
    """
    if size:
        if len(size) not in (1, 2) or min(size) < 1:
            raise UserError(f'--shape {" ".join(map(str, size))}: give one '
                            'side (224) or height and width (224 224), '
                            'positive')
        h, w = (size[0], size[0]) if len(size) == 1 else size
        return (3, int(h), int(w))
    for loader in ('test_dataloader', 'train_dataloader'):
        dataset = (cfg.get(loader) or {}).get('dataset') or {}
        for t in reversed(dataset.get('pipeline') or []):
            kind = str(t.get('type', '')).split('.')[-1]
            value = t.get('crop_size') if kind in CROPS else \
                t.get('scale') if kind in RESIZES else None
            if isinstance(value, int):
                return (3, value, value)
            if isinstance(value, (tuple, list)) and len(value) == 2:
                return (3, int(value[1]), int(value[0]))  # mmcv: (w, h)
    model = cfg.get('model') or {}
    for part in (model.get('architecture'), model.get('teacher'), model):
        side = ((part or {}).get('backbone') or {}).get('img_size')
        if isinstance(side, int):
            return (3, side, side)
    return (3, DEFAULT_SIZE, DEFAULT_SIZE)


def build_model(cfg: Any) -> nn.Module:
    """The config's model with random weights (no teacher checkpoint read).

    Args:
        cfg (mmengine.Config): The loaded config (not changed).

    Returns:
        nn.Module: The built model.
    """
    from mmengine.registry import init_default_scope
    from mmrazor.registry import MODELS
    model_cfg = copy.deepcopy(cfg.model)
    if 'teacher_ckpt' in model_cfg:
        model_cfg.teacher_ckpt = None  # a random teacher costs the same
    init_default_scope(cfg.get('default_scope') or 'mmpretrain')
    return MODELS.build(model_cfg)


def complexity(cfg: Any, size: Optional[Sequence[int]] = None
               ) -> Complexity:
    """The cost table of a config (see the module doc).

    Args:
        cfg (mmengine.Config): A loaded config.
        size (Sequence[int], optional): Input side(s); default from the
            config (:func:`input_shape_of`).

    Returns:
        Complexity: Student, teacher and extras of a distillation config;
        ``model`` of a plain one.
    """
    shape = input_shape_of(cfg, size)
    model = build_model(cfg)
    if hasattr(model, 'architecture') and hasattr(model, 'teacher'):
        return Complexity(
            shape,
            student=classifier_cost('student', model.architecture, shape,
                                    'deployed'),
            teacher=classifier_cost('teacher', model.teacher, shape,
                                    'training only: forward, no grad'),
            extras=distillation_extras(model, shape,
                                       _num_classes(cfg.model)))
    return Complexity(shape, model=classifier_cost('model', model, shape))


def human(value: Optional[float], unit: str = '') -> str:
    """``1.23 M``-style text (``'n/a'`` for ``None``)."""
    if value is None:
        return 'n/a'
    for scale, suffix in ((1e9, 'G'), (1e6, 'M'), (1e3, 'k')):
        if abs(value) >= scale:
            return f'{value / scale:.3g} {suffix}{unit}'
    return f'{value:g} {unit}'.rstrip()


def format_table(result: Complexity) -> str:
    """The Markdown table the tool prints.

    Args:
        result (Complexity): From :func:`complexity`.

    Returns:
        str: Table, totals and the counting rules, ending with a newline.
    """
    c, h, w = result.input_shape
    lines = [f'| Part | Type | Params | FLOPs (1 image, {c}x{h}x{w}) | '
             'Note |', '|---|---|---|---|---|']

    def row(cost: Cost) -> None:
        lines.append(f'| {cost.name} | {cost.module_type} | '
                     f'{human(cost.params)} ({cost.params:,}) | '
                     f'{human(cost.flops)} | {cost.note} |')

    if result.model is not None:
        row(result.model)
        return '\n'.join(lines) + '\n' + RULES
    for cost in (result.student, result.teacher, *result.extras):
        row(cost)
    student = result.student
    extra_p, extra_f = result.extra_params, result.extra_flops
    share = (f' ({100 * extra_p / student.params:.1f} % of the student)'
             if student.params else '')
    lines += [
        f'| **distillation adds** | connectors + losses | '
        f'{human(extra_p)} ({extra_p:,}){share} | {human(extra_f)} | '
        'training only, not deployed |',
        f'| **training forward** | student + teacher + connectors | '
        f'{human(student.params + result.teacher.params + extra_p)} | '
        f'{human(_sum(student.flops, result.teacher.flops, extra_f))} | '
        'per image |',
    ]
    return '\n'.join(lines) + '\n' + RULES


def _sum(*values: Optional[int]) -> Optional[int]:
    return None if any(v is None for v in values) else sum(values)


RULES = ('\nFLOPs: mmengine.analysis (fvcore rules: a multiply-add is one '
         'FLOP; element-wise ops are not counted; loss FLOPs are not '
         'counted). Params: sum(p.numel()). Weights are random; check that '
         'every op of your model is supported before citing the numbers.\n')
