"""Training methods of the benchmark: each turns a pair into a model config.

A method is a function ``(pair, num_classes, teacher_ckpt, hparams) -> dict``
registered with :func:`register_method`; the returned dict is the ``model``
of an mmengine config (without ``data_preprocessor``, which the engine adds).
Adding a method is one decorated function in this file; it then appears in
``kd_bench.py --methods`` and in every table and plot (``ofa`` below is an
example).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, Optional, Tuple

from .zoo import PairSpec

MethodFn = Callable[[PairSpec, int, Optional[str], 'MethodHParams'], dict]

#: Registered methods, by name (``scratch``, ``kd``, ``lfcc``, ...).
METHODS: Dict[str, MethodFn] = {}

#: Methods that need a trained teacher checkpoint.
NEEDS_TEACHER: Dict[str, bool] = {}


@dataclass(frozen=True)
class MethodHParams:
    """Loss hyper-parameters shared by the distillation methods.

    Args:
        kd_tau (float): Temperature of the logit KL loss. Defaults to 4.
        kd_weight (float): Weight of the logit KL loss (already multiplied
            by ``tau**2`` inside mmrazor's ``KLDivergence``). Defaults to 1.
        lfcc_weight (float): Weight of each LFCC stage loss. Defaults to 1.
        lfcc_tau (float): InfoNCE temperature of :class:`LFCCLoss`.
            Defaults to 0.1.
        lfcc_embed_dim (int): Compact-space dimension. Defaults to 128.
        lfcc_scales (tuple[int]): Low-pass output sides. Defaults to
            ``(1, 2, 4)``.
        lfcc_with_kd (bool): LFCC also uses the logit KL loss (as the
            heterogeneous-KD literature's recipes do), so ``lfcc - kd``
            isolates the feature term. Defaults to True.
        distill_warmup_iters (int): Linear warm-up of the distillation
            losses. Defaults to 0.
        ofa_eps (float): OFA's target-enhancement exponent (the authors'
            README example uses 1.5). Defaults to 1.5.
    """

    kd_tau: float = 4.0
    kd_weight: float = 1.0
    lfcc_weight: float = 1.0
    lfcc_tau: float = 0.1
    lfcc_embed_dim: int = 128
    lfcc_scales: Tuple[int, ...] = (1, 2, 4)
    lfcc_with_kd: bool = True
    distill_warmup_iters: int = 0
    ofa_eps: float = 1.5


def register_method(name: str, needs_teacher: bool = True
                    ) -> Callable[[MethodFn], MethodFn]:
    """Decorator registering a method under ``name``.

    Args:
        name (str): Method name used on the command line and in tables.
        needs_teacher (bool): Whether the engine must train/load the teacher
            first. Defaults to True.

    Returns:
        Callable: The decorator (returns the function unchanged).
    """
    def wrap(fn: MethodFn) -> MethodFn:
        if name in METHODS:
            raise KeyError(f'method {name!r} is already registered')
        METHODS[name] = fn
        NEEDS_TEACHER[name] = needs_teacher
        return fn

    return wrap


def build_method_model(method: str, pair: PairSpec, num_classes: int,
                       teacher_ckpt: Optional[str],
                       hparams: MethodHParams = MethodHParams()) -> dict:
    """The model config of ``method`` for ``pair``.

    Args:
        method (str): A key of :data:`METHODS`.
        pair (PairSpec): Teacher and student.
        num_classes (int): Number of classes.
        teacher_ckpt (str, optional): Trained teacher weights (required by
            methods that need a teacher).
        hparams (MethodHParams): Loss hyper-parameters.

    Returns:
        dict: The ``model`` config (no ``data_preprocessor``).
    """
    if method not in METHODS:
        raise KeyError(f'unknown method {method!r}; registered: '
                       f'{sorted(METHODS)}')
    if NEEDS_TEACHER[method] and not teacher_ckpt:
        raise ValueError(f'method {method!r} needs teacher_ckpt')
    return METHODS[method](pair, num_classes, teacher_ckpt, hparams)


def distill_model(pair: PairSpec, num_classes: int, teacher_ckpt: str,
                  hp: MethodHParams, recorders: Dict[str, dict],
                  connectors: Dict[str, dict], losses: Dict[str, dict],
                  mappings: Dict[str, dict]) -> dict:
    """An :class:`LFCC` algorithm config with the given distiller parts.

    ``recorders`` maps recorder names to ``(role, recorder config)`` where
    role is ``'student'`` or ``'teacher'``.

    Args:
        pair (PairSpec): Teacher and student.
        num_classes (int): Number of classes.
        teacher_ckpt (str): Teacher weights, loaded strictly.
        hp (MethodHParams): Provides ``distill_warmup_iters``.
        recorders (dict): ``name -> (role, recorder config)``.
        connectors (dict): Connector configs by name.
        losses (dict): Distill loss configs by name (names contain 'loss').
        mappings (dict): ``loss_forward_mappings``.

    Returns:
        dict: The ``LFCC`` model config.
    """
    by_role = {'student': {}, 'teacher': {}}
    for name, (role, cfg) in recorders.items():
        by_role[role][name] = cfg
    return dict(
        type='FrozenTeacherDistill',
        architecture=pair.student_spec.classifier(num_classes),
        teacher=pair.teacher_spec.classifier(num_classes),
        teacher_ckpt=teacher_ckpt,
        distill_warmup_iters=hp.distill_warmup_iters,
        distiller=dict(
            type='CheckedDistiller',
            student_recorders=by_role['student'],
            teacher_recorders=by_role['teacher'],
            connectors=connectors,
            distill_losses=losses,
            loss_forward_mappings=mappings))


def _kd_parts(pair: PairSpec, hp: MethodHParams) -> tuple:
    """Recorders, losses and mappings of the logit KL loss."""
    recorders = dict(
        logits_s=('student', dict(type='ModuleOutputs',
                                  source=pair.student_spec.logits)),
        logits_t=('teacher', dict(type='ModuleOutputs',
                                  source=pair.teacher_spec.logits)))
    losses = dict(loss_kd=dict(type='KLDivergence', tau=hp.kd_tau,
                               loss_weight=hp.kd_weight))
    mappings = dict(loss_kd=dict(
        preds_S=dict(from_student=True, recorder='logits_s'),
        preds_T=dict(from_student=False, recorder='logits_t')))
    return recorders, losses, mappings


@register_method('scratch', needs_teacher=False)
def scratch(pair: PairSpec, num_classes: int, teacher_ckpt: Optional[str],
            hp: MethodHParams) -> dict:
    """The student alone, cross-entropy only."""
    return pair.student_spec.classifier(num_classes)


@register_method('kd')
def vanilla_kd(pair: PairSpec, num_classes: int, teacher_ckpt: str,
               hp: MethodHParams) -> dict:
    """Hinton KD: cross-entropy + KL(teacher || student) on logits."""
    recorders, losses, mappings = _kd_parts(pair, hp)
    return distill_model(pair, num_classes, teacher_ckpt, hp, recorders,
                         {}, losses, mappings)


@register_method('lfcc')
def lfcc(pair: PairSpec, num_classes: int, teacher_ckpt: str,
         hp: MethodHParams) -> dict:
    """LFCC: one LFCCConnector pair + LFCCLoss per tap pair (+ logit KD)."""
    recorders, losses, mappings = (_kd_parts(pair, hp) if hp.lfcc_with_kd
                                   else ({}, {}, {}))
    connectors = {}
    for s_name, t_name in pair.taps:
        s_tap = pair.student_spec.taps[s_name]
        t_tap = pair.teacher_spec.taps[t_name]
        rec_s, rec_t = f'student_{s_name}', f'teacher_{t_name}'
        recorders[rec_s] = ('student', dict(type='ModuleOutputs',
                                            source=s_tap.source))
        recorders[rec_t] = ('teacher', dict(type='ModuleOutputs',
                                            source=t_tap.source))
        connectors[rec_s] = s_tap.connector(hp.lfcc_embed_dim,
                                            hp.lfcc_scales)
        connectors[rec_t] = t_tap.connector(hp.lfcc_embed_dim,
                                            hp.lfcc_scales)
        loss_name = f'loss_lfcc_{s_name}'
        losses[loss_name] = dict(type='LFCCLoss', tau=hp.lfcc_tau,
                                 loss_weight=hp.lfcc_weight)
        mappings[loss_name] = dict(
            preds_S=dict(from_student=True, recorder=rec_s, connector=rec_s),
            preds_T=dict(from_student=False, recorder=rec_t,
                         connector=rec_t))
    return distill_model(pair, num_classes, teacher_ckpt, hp, recorders,
                         connectors, losses, mappings)


@register_method('ofa')
def ofa(pair: PairSpec, num_classes: int, teacher_ckpt: str,
        hp: MethodHParams) -> dict:
    """OFA-KD: OFALoss on the final logits and on one OFABranch per tap.

    The branches sit on the same student taps as LFCC's (not on all four
    stages as in the paper), so both methods distil the same stages. At
    32x32 the tapped CNN maps are already at the last stage's 4x4 size (no
    downsampling) and token grids are 8x8 (one 2x2 merge to 4x4, one
    transformer block).
    """
    student, teacher = pair.student_spec, pair.teacher_spec
    labels = dict(from_student=True, recorder='gt_labels', data_idx=1)
    teacher_logits = dict(from_student=False, recorder='logits_t')
    recorders = dict(
        logits_s=('student', dict(type='ModuleOutputs', source=student.logits)),
        logits_t=('teacher', dict(type='ModuleOutputs', source=teacher.logits)),
        gt_labels=('student', dict(type='ModuleInputs',
                                   source='head.loss_module')))
    ofa_loss = dict(type='OFALoss', eps=hp.ofa_eps, temperature=1.0)
    losses = dict(loss_ofa_logits=ofa_loss)
    mappings = dict(loss_ofa_logits=dict(
        preds_S=dict(from_student=True, recorder='logits_s'),
        preds_T=teacher_logits, gt_labels=labels))
    connectors = {}
    is_cnn = student.family == 'CNN'
    for s_name, _ in pair.taps:
        tap = student.taps[s_name]
        rec = f'student_{s_name}'
        recorders[rec] = ('student', dict(type='ModuleOutputs',
                                          source=tap.source))
        connectors[rec] = dict(
            type='OFABranch', in_channels=tap.channels,
            num_classes=num_classes, layout=tap.layout,
            num_extra_tokens=tap.num_extra_tokens,
            out_channels=(max(student.feat_channels, teacher.feat_channels)
                          if is_cnn else student.feat_channels),
            num_downsamples=0 if is_cnn else 1, num_blocks=1)
        losses[f'loss_ofa_{s_name}'] = ofa_loss
        mappings[f'loss_ofa_{s_name}'] = dict(
            preds_S=dict(from_student=True, recorder=rec, connector=rec),
            preds_T=teacher_logits, gt_labels=labels)
    return distill_model(pair, num_classes, teacher_ckpt, hp, recorders,
                         connectors, losses, mappings)
