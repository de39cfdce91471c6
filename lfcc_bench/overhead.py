"""Step time and peak memory of distillation methods vs. their floor.

A *group* is one teacher -> student pair and the distillation configs
measured for it, either the ``{method}_{teacher}_{student}_cifar10.py``
configs of a pair of the CIFAR-10 benchmark grid (:func:`pair_group`) or
any configs that share one teacher and one student, such as the DeiT-S ->
ResNet-18 ImageNet-1K configs (:func:`config_group`). Its *modes*:

- the *floor*, measured once per group: the cheapest possible distillation
  step on the same batch, i.e. one training step of the student
  (``model.architecture``: forward, its own loss, backward, AdamW step) plus
  one forward of the teacher (``model.teacher``) under ``torch.no_grad()``;
- one *method* mode per config: the config's whole ``model`` training step
  (the same work plus recorders, connectors, every distill loss of the
  config and their backward). Any distillation method is measured this way
  (KD, DKD, OFA, FitNet, LFCC, LFCC + KD, ...), except one that cannot run
  on random inputs: CRD reads dataset indices (``mmrazor.CRDDataset``) and
  is refused (:func:`needs_dataset_indices`).

The ratio method / floor is the price of the method itself. Weights are
random (``teacher_ckpt`` is not loaded: a random teacher costs the same),
inputs are random and labels cycle through the first classes.

Interleaved repeats (:func:`interleaved_order`): in each of ``repeats``
rounds every mode of a group is measured once, in an order rotated by one
mode per round (round 0: floor, m1, m2; round 1: m1, m2, floor; ...), so a
slow phase of a busy machine is spread over all modes and no mode is always
first. Per mode the table reports the median over rounds of the step time
and of the peak memory, and the min-max range of the step time (the noise).
``--json`` keeps every raw measurement so the table can be regenerated
(:func:`table_from_records`).

What one measurement is, in a **fresh subprocess** (so one measurement's
allocations cannot hide another's peak):

- step time: median wall time of ``steps`` steps after ``warmup`` steps;
- peak memory: on CUDA ``torch.cuda.max_memory_allocated``; on CPU the
  growth of the process's peak resident set size from just before the
  models are built to the end of the last step, i.e. weights, optimizer
  state, activations and allocator caching of this mode. The peak counter
  (``VmHWM``) is reset to the current RSS just before the build (Linux
  ``/proc/self/clear_refs``), so a higher peak left by the imports cannot
  hide the training peak; where that is unavailable, ``ru_maxrss`` is used.
"""
from __future__ import annotations

import argparse
import json
import os
import os.path as osp
import platform
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from lfcc_mm.errors import UserError

from .run_config import find_bench_configs

#: What a measuring child builds: the floor or a config's whole step.
KINDS = ('floor', 'method')
#: Repository root (default configs are relative to it).
REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
#: The benchmark whose ``{teacher}_{student}`` pairs ``--pairs`` names.
BENCH_DIR = osp.join(REPO_ROOT, 'configs', 'benchmark', 'cifar10')
#: Methods of a pair measured by default.
DEFAULT_METHODS = ('kd', 'ofa', 'lfcc', 'lfcc_kd')
#: Methods of the grid that ``--methods all`` leaves out (no teacher).
NOT_DISTILLATION = ('scratch', )
#: The default group: DeiT-S (ViT-S/16) teacher -> ResNet-18 student at 224,
#: the big ImageNet-1K pair, with LFCC + KD, LFCC, KD, OFA-KD and DKD.
DEFAULT_CONFIGS = tuple(osp.join(REPO_ROOT, 'configs', path) for path in (
    'lfcc/lfcc-kd_deit-s_res18_8xb32_in1k.py',
    'lfcc/lfcc_deit-s_res18_8xb32_in1k.py',
    'baselines/kd/kd_deit-s_res18_8xb32_in1k.py',
    'baselines/ofa/ofa_deit-s_res18_8xb32_in1k.py',
    'baselines/dkd/dkd_deit-s_res18_8xb32_in1k.py',
))
#: Default number of interleaved rounds.
DEFAULT_REPEATS = 5


@dataclass(frozen=True)
class Mode:
    """One thing measured in a group.

    Args:
        name (str): ``'floor'`` or the method's name (table column
            ``Method``), unique in its group.
        kind (str): ``'floor'`` or ``'method'`` (see :data:`KINDS`).
        config (str): The config the child builds its models from.
    """

    name: str
    kind: str
    config: str


@dataclass(frozen=True)
class Group:
    """One teacher -> student pair and its modes (floor first).

    Args:
        label (str): Table column ``Teacher → Student``.
        modes (tuple[Mode, ...]): The floor, then one mode per method.
    """

    label: str
    modes: Tuple[Mode, ...]


@dataclass(frozen=True)
class Measurement:
    """One measurement of one mode (one child process).

    Args:
        mode (str): ``'floor'`` or ``'method'``: what the child built.
        step_s (float): Median step time (s) over the timed steps.
        peak_mb (float): Peak memory growth (MiB), see the module docstring.
        memory (str): What ``peak_mb`` measures.
        threads (int): ``torch.get_num_threads()`` in the child.
        device (str): ``'cpu'`` or the CUDA device's name.
    """

    mode: str
    step_s: float
    peak_mb: float
    memory: str
    threads: int = 0
    device: str = ''


@dataclass(frozen=True)
class Settings:
    """What every measurement of a run shares (the table's header).

    Args:
        batch_size (int): Batch size.
        img_size (int): Square input side.
        steps (int): Timed steps per measurement.
        warmup (int): Untimed steps first.
        threads (int): ``--threads`` (0: torch's default).
        repeats (int): Interleaved rounds.
    """

    batch_size: int
    img_size: int
    steps: int = 5
    warmup: int = 2
    threads: int = 0
    repeats: int = DEFAULT_REPEATS


def _config_model(config: str) -> Any:
    """Load ``config`` (one clear line if it is missing)."""
    from mmengine.config import Config
    if not osp.isfile(config):
        raise UserError(f'config {config!r} does not exist')
    return Config.fromfile(config)


def needs_dataset_indices(cfg: Any) -> bool:
    """Whether a config's losses read dataset indices (CRD).

    Such a method cannot be measured on random inputs: ``CRDLoss`` reads
    ``sample_idx`` / ``contrast_sample_idxs`` that ``mmrazor.CRDDataset``
    adds to every training sample.

    Args:
        cfg (mmengine.Config): A distillation config.

    Returns:
        bool: True if a distill loss is a ``CRDLoss`` or the training set is
        wrapped in a ``CRDDataset``.
    """
    losses = cfg.model.get('distiller', {}).get('distill_losses', {}) or {}
    kinds = [str(loss.get('type', '')).split('.')[-1]
             for loss in losses.values()]
    dataset = cfg.get('train_dataloader', {}).get('dataset', {}) or {}
    wrappers = []
    while isinstance(dataset, dict) and 'dataset' in dataset:
        wrappers.append(str(dataset.get('type', '')).split('.')[-1])
        dataset = dataset['dataset']
    return 'CRDLoss' in kinds or 'CRDDataset' in wrappers


def load_distill_config(config: str) -> Any:
    """Load ``config`` and check that its step can be measured.

    Args:
        config (str): A distillation config (``model.teacher`` and
            ``model.architecture``), any method.

    Returns:
        mmengine.Config: The config.

    Raises:
        UserError: If the file is missing, has no teacher or architecture,
            or its method needs dataset indices (CRD).
    """
    cfg = _config_model(config)
    model = cfg.model
    if 'teacher' not in model or 'architecture' not in model:
        raise UserError(f'{config}: model has no teacher and architecture; '
                        'the overhead needs a distillation config')
    if needs_dataset_indices(cfg):
        raise UserError(
            f'{config}: this method (CRD) reads dataset indices '
            '(CRDLoss / mmrazor.CRDDataset) and cannot be measured with '
            'random inputs; leave it out of --methods / --configs')
    return cfg


def _models(cfg: Any) -> Tuple[Dict, Dict]:
    """``(model.architecture, model.teacher)`` as plain dicts."""
    return cfg.model.architecture.to_dict(), cfg.model.teacher.to_dict()


def check_same_models(configs: Sequence[str]) -> None:
    """Check that configs distil one teacher into one student.

    The floor is measured once per group, so every method of the group must
    build the same ``model.architecture`` and ``model.teacher``
    (``teacher_ckpt`` is not compared: the overhead never loads it).

    Args:
        configs (Sequence[str]): Distillation configs.

    Raises:
        UserError: Naming the first config and the first one that differs.
    """
    first = None
    for config in configs:
        models = _models(load_distill_config(config))
        if first is None:
            first = (config, models)
            continue
        for i, what in enumerate(('student (model.architecture)',
                                  'teacher (model.teacher)')):
            if models[i] != first[1][i]:
                raise UserError(
                    f'--configs: {first[0]} and {config} have different '
                    f'{what}; a group shares one teacher and one student '
                    '(measure them in separate runs)')


def _pair_grid(bench_dir: str) -> Dict[str, Dict[str, Any]]:
    """``{teacher}_{student}`` -> {method: BenchConfig} of the grid."""
    grid: Dict[str, Dict[str, Any]] = {}
    for c in find_bench_configs(bench_dir):
        if c.student:
            grid.setdefault(f'{c.teacher}_{c.student}', {})[c.method] = c
    return grid


def pair_group(pair: str, methods: Sequence[str] = DEFAULT_METHODS,
               bench_dir: str = BENCH_DIR) -> Group:
    """The group of a benchmark pair ``{teacher}_{student}``.

    Args:
        pair (str): E.g. ``'res18-w32_vit-t'``.
        methods (Sequence[str]): Methods of the grid for this pair, or
            ``['all']``: every method of the pair except ``scratch`` and
            those that cannot be measured (:func:`measurable_methods`).
            Defaults to :data:`DEFAULT_METHODS`.
        bench_dir (str): The benchmark grid. Defaults to
            ``configs/benchmark/cifar10``.

    Returns:
        Group: Labelled ``teacher → student``; the floor is built from the
        first method's config.

    Raises:
        UserError: If the grid has no such pair, no such method for it, a
            method is named twice, or a method cannot be measured.
    """
    grid = _pair_grid(bench_dir)
    if pair not in grid:
        raise UserError(f'--pairs: {pair!r} is not a pair of {bench_dir}; '
                        f'pairs there: {sorted(grid)}')
    found = grid[pair]
    if list(methods) == ['all']:
        methods = measurable_methods(pair, bench_dir)[0]
    for method in methods:
        if method not in found:
            raise UserError(
                f'--methods: pair {pair} of {bench_dir} has no {method!r} '
                f'config; methods there: {sorted(found)} (or "all")')
    if len(set(methods)) != len(methods):
        raise UserError(f'--methods: a method is named twice: {list(methods)}')
    configs = [found[m].path for m in methods]
    check_same_models(configs)  # also refuses CRD and non-distillation
    c = found[methods[0]]
    return Group(f'{c.teacher} → {c.student}',
                 (Mode('floor', 'floor', configs[0]), ) +
                 tuple(Mode(m, 'method', p) for m, p in zip(methods, configs)))


def measurable_methods(pair: str,
                       bench_dir: str = BENCH_DIR
                       ) -> Tuple[List[str], List[str]]:
    """What ``--methods all`` means for a pair.

    Args:
        pair (str): A pair of the grid.
        bench_dir (str): The benchmark grid.

    Returns:
        tuple[list[str], list[str]]: The measurable methods (sorted; not
        ``scratch``) and those left out because they need dataset indices.
    """
    found = _pair_grid(bench_dir).get(pair, {})
    keep, skipped = [], []
    for method in sorted(found):
        if method in NOT_DISTILLATION:
            continue
        cfg = _config_model(found[method].path)
        (skipped if needs_dataset_indices(cfg) else keep).append(method)
    return keep, skipped


def config_group(configs: Sequence[str]) -> Group:
    """The group of configs that share one teacher and one student.

    Names ``{method}_{teacher}_{student}_...`` (e.g.
    ``kd_deit-s_res18_8xb32_in1k.py``) give the labels: ``Method`` is the
    first part (the whole name where those would repeat), ``Teacher →
    Student`` the next two of the first config.

    Args:
        configs (Sequence[str]): Distillation configs.

    Returns:
        Group: The floor (from the first config), then one mode per config.

    Raises:
        UserError: If a config is missing, not measurable, or the configs do
            not share teacher and student (:func:`check_same_models`).
    """
    if len(set(configs)) != len(configs):
        raise UserError(f'--configs: a config is named twice: {list(configs)}')
    check_same_models(configs)
    stems = [osp.splitext(osp.basename(c))[0] for c in configs]
    parts = [s.split('_') for s in stems]
    names = [p[0] for p in parts]
    if len(set(names)) != len(names):
        names = stems
    label = (f'{parts[0][1]} → {parts[0][2]}' if len(parts[0]) >= 3 else
             stems[0])
    return Group(label, (Mode('floor', 'floor', configs[0]), ) +
                 tuple(Mode(n, 'method', c) for n, c in zip(names, configs)))


def interleaved_order(n_modes: int, repeats: int) -> List[List[int]]:
    """The order in which the modes of a group are measured.

    Args:
        n_modes (int): Modes of the group (floor first).
        repeats (int): Rounds (>= 1).

    Returns:
        list[list[int]]: Per round, the mode indices in measuring order;
        round ``r`` starts at mode ``r % n_modes`` (a rotation), so every
        mode is measured once per round and no mode is always first.

    Examples:
        >>> interleaved_order(3, 4)
        [[0, 1, 2], [1, 2, 0], [2, 0, 1], [0, 1, 2]]
    """
    if repeats < 1:
        raise ValueError(f'repeats must be >= 1, got {repeats}')
    base = list(range(n_modes))
    return [base[r % n_modes:] + base[:r % n_modes] for r in range(repeats)]


def _rss_mb() -> float:
    """Current resident set size of this process (MiB, Linux)."""
    with open('/proc/self/statm') as f:
        pages = int(f.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def _reset_peak_rss() -> bool:
    """Reset this process's peak RSS (``VmHWM``) to its current RSS.

    Returns:
        bool: Whether the kernel supports it (Linux >= 4.0).
    """
    try:
        with open('/proc/self/clear_refs', 'w') as f:
            f.write('5')
        return True
    except OSError:
        return False


def _peak_rss_mb() -> float:
    """Peak RSS since the last reset (``VmHWM``), else ``ru_maxrss`` (MiB)."""
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(mode: str, config: str, batch_size: int, img_size: int,
            steps: int = 5, warmup: int = 2) -> Measurement:
    """Measure one mode in this process (call it in a fresh process).

    Args:
        mode (str): ``'floor'`` or ``'method'`` (see :data:`KINDS`).
        config (str): A distillation config (see the module docstring).
        batch_size (int): Batch size.
        img_size (int): Square input side.
        steps (int): Timed steps. Defaults to 5.
        warmup (int): Untimed steps first. Defaults to 2.

    Returns:
        Measurement: Median step time and peak memory growth.
    """
    if mode not in KINDS:
        raise ValueError(f'mode must be one of {KINDS}, got {mode!r}')
    import torch
    from mmengine.registry import init_default_scope
    from mmpretrain.structures import DataSample
    from mmrazor.registry import MODELS as RAZOR_MODELS

    cfg = load_distill_config(config)
    init_default_scope(cfg.get('default_scope', 'mmrazor'))
    cuda = torch.cuda.is_available()
    device = 'cuda' if cuda else 'cpu'
    x = torch.randn(batch_size, 3, img_size, img_size, device=device)
    samples = [DataSample().set_gt_label(i % 10) for i in range(batch_size)]
    model_cfg = cfg.model.to_dict()
    reset = _reset_peak_rss()
    base_mb = _rss_mb()
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    if mode == 'floor':
        student = RAZOR_MODELS.build(model_cfg['architecture']).to(device)
        teacher = RAZOR_MODELS.build(model_cfg['teacher']).to(device).eval()
        params = list(student.parameters())

        def step() -> None:
            with torch.no_grad():
                teacher(x, mode='tensor')
            loss = sum(student(x, samples, mode='loss').values())
            loss.backward()
            optim.step()
            optim.zero_grad()
    else:
        model_cfg['teacher_ckpt'] = None  # a random teacher costs the same
        if 'data_preprocessor' in cfg:  # as the Runner builds it
            model_cfg.setdefault('data_preprocessor',
                                 cfg.data_preprocessor.to_dict())
        model = RAZOR_MODELS.build(model_cfg).to(device).train()
        params = [p for n, p in model.named_parameters()
                  if not n.startswith('teacher.')]

        def step() -> None:
            losses = model(x, samples, mode='loss')
            sum(v for k, v in losses.items() if 'loss' in k).backward()
            optim.step()
            optim.zero_grad()
    optim = torch.optim.AdamW(params, lr=1e-4)
    times: List[float] = []
    for i in range(warmup + steps):
        if cuda:
            torch.cuda.synchronize()
        start = time.perf_counter()
        step()
        if cuda:
            torch.cuda.synchronize()
        if i >= warmup:
            times.append(time.perf_counter() - start)
    if cuda:
        peak = torch.cuda.max_memory_allocated() / 2**20
        memory = 'torch.cuda.max_memory_allocated'
        name = torch.cuda.get_device_name()
    else:
        peak = _peak_rss_mb() - base_mb
        memory = ('peak RSS growth (VmHWM reset before build)' if reset else
                  'peak RSS growth (ru_maxrss - RSS before build)')
        name = 'cpu'
    return Measurement(mode, statistics.median(times), peak, memory,
                       torch.get_num_threads(), name)


def measure_in_subprocess(mode: str, config: str, batch_size: int,
                          img_size: int, steps: int, warmup: int,
                          threads: int = 0) -> Measurement:
    """Run :func:`measure` in a fresh ``python -m lfcc_bench.overhead``.

    Args:
        mode (str): ``'floor'`` or ``'method'``.
        config (str): A distillation config.
        batch_size (int): Batch size.
        img_size (int): Input side.
        steps (int): Timed steps.
        warmup (int): Untimed steps.
        threads (int): ``torch.set_num_threads`` in the child; 0 keeps
            torch's default. Defaults to 0.

    Returns:
        Measurement: The child's result.

    Raises:
        RuntimeError: If the child fails (with the end of its output).
    """
    cmd = [sys.executable, '-m', 'lfcc_bench.overhead', '--child', mode,
           '--config', config, '--batch-size', str(batch_size),
           '--img-size', str(img_size), '--steps', str(steps),
           '--warmup', str(warmup), '--threads', str(threads)]
    env = dict(os.environ)  # the child imports this checkout's lfcc_bench
    env['PYTHONPATH'] = os.pathsep.join(
        p for p in (REPO_ROOT, env.get('PYTHONPATH')) if p)
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise RuntimeError(f'measuring {mode} of {config} failed (exit '
                           f'{out.returncode}): {out.stderr[-2000:]}')
    return Measurement(**json.loads(out.stdout.strip().splitlines()[-1]))


def machine() -> Dict[str, Any]:
    """The machine of this run (without the device: the children say it)."""
    import torch
    return dict(processor=platform.processor() or platform.machine(),
                cpus=os.cpu_count(), torch=torch.__version__,
                python=platform.python_version())


def run_groups(groups: Sequence[Group], settings: Settings,
               on_record: Optional[Callable[[List[Dict]], None]] = None
               ) -> List[Dict[str, Any]]:
    """Measure every mode of every group, interleaved, ``repeats`` times.

    Args:
        groups (Sequence[Group]): From :func:`pair_group` or
            :func:`config_group`.
        settings (Settings): Batch, input, steps, threads, repeats.
        on_record (callable, optional): Called with all records so far
            after each measurement (e.g. to save them: a failure later
            loses nothing measured).

    Returns:
        list[dict]: One raw record per measurement, in measuring order:
        ``group``, ``mode``, ``config``, ``round``, ``position`` (in the
        round), ``step_s``, ``peak_mb``, ``memory``, ``threads``,
        ``device``.
    """
    records: List[Dict[str, Any]] = []
    for group in groups:
        for rnd, order in enumerate(interleaved_order(len(group.modes),
                                                      settings.repeats)):
            for position, index in enumerate(order):
                mode = group.modes[index]
                m = measure_in_subprocess(
                    mode.kind, mode.config, settings.batch_size,
                    settings.img_size, settings.steps, settings.warmup,
                    settings.threads)
                records.append(dict(
                    group=group.label, mode=mode.name, config=mode.config,
                    round=rnd, position=position, step_s=m.step_s,
                    peak_mb=m.peak_mb, memory=m.memory, threads=m.threads,
                    device=m.device))
                if on_record is not None:
                    on_record(records)
    return records


def summarize(records: Sequence[Dict[str, Any]]
              ) -> Dict[Tuple[str, str], Dict[str, float]]:
    """Per ``(group, mode)``: medians over rounds and the step-time range.

    Args:
        records (Sequence[dict]): Raw records of :func:`run_groups`.

    Returns:
        dict: ``(group, mode)`` -> ``step_s`` (median), ``peak_mb``
        (median), ``step_min``, ``step_max``, ``n`` (rounds), in the order
        the modes first appear.
    """
    by_mode: Dict[Tuple[str, str], List[Dict[str, Any]]] = {}
    for r in records:
        by_mode.setdefault((r['group'], r['mode']), []).append(r)
    out = {}
    for key, rs in by_mode.items():
        steps = [r['step_s'] for r in rs]
        out[key] = dict(step_s=statistics.median(steps),
                        peak_mb=statistics.median(r['peak_mb'] for r in rs),
                        step_min=min(steps), step_max=max(steps), n=len(rs))
    return out


def _header(settings: Dict[str, Any], machine_: Dict[str, Any],
            records: Sequence[Dict[str, Any]]) -> str:
    """The line that says under which settings the numbers were taken."""
    used = sorted({r.get('threads', 0) for r in records})
    threads = (f'{settings["threads"]} thread(s)' if settings['threads']
               else f'torch default threads ({"/".join(map(str, used))})')
    devices = '/'.join(sorted({str(r.get('device', '?')) for r in records}))
    memory = '; '.join(sorted({str(r.get('memory', '?')) for r in records}))
    return (f'Overhead at batch {settings["batch_size"]}, '
            f'{settings["img_size"]}x{settings["img_size"]} inputs, '
            f'{threads}, {settings["steps"]} timed steps after '
            f'{settings["warmup"]} warmup, {settings["repeats"]} interleaved '
            'repeats (median over repeats of the median step; range = min-max '
            f'over repeats; memory: {memory}); machine: '
            f'{machine_.get("processor") or "?"}, '
            f'{machine_.get("cpus")} CPUs, '
            f'torch {machine_.get("torch")}, device {devices or "?"}:')


def table_from_records(records: Sequence[Dict[str, Any]],
                       settings: Dict[str, Any],
                       machine_: Dict[str, Any],
                       notes: Sequence[str] = ()) -> str:
    """The Markdown table of raw records (also from a ``--json`` file).

    Args:
        records (Sequence[dict]): Raw records of :func:`run_groups`; the
            mode ``'floor'`` of each group is the reference.
        settings (dict): :class:`Settings` as a dict.
        machine_ (dict): :func:`machine`.
        notes (Sequence[str]): Lines printed under the table (e.g. methods
            left out).

    Returns:
        str: Header line, then one row per method: ``| Teacher → Student |
        Method | Floor step (s) | Step (s) | Time ratio | Step range (s) |
        Floor peak (MiB) | Peak (MiB) | Memory ratio |``.
    """
    stats = summarize(records)
    lines = [_header(settings, machine_, records), '',
             '| Teacher → Student | Method | Floor step (s) | Step (s) | '
             'Time ratio | Step range (s) | Floor peak (MiB) | Peak (MiB) | '
             'Memory ratio |',
             '|---|---|---|---|---|---|---|---|---|']
    for (group, mode), s in stats.items():
        if mode == 'floor':
            continue
        floor = stats.get((group, 'floor'))
        if floor is None:
            raise ValueError(f'group {group!r} has no floor measurement')
        lines.append(
            f'| {group} | {mode} | {floor["step_s"]:.3f} | '
            f'{s["step_s"]:.3f} | {s["step_s"] / floor["step_s"]:.2f}x | '
            f'{s["step_min"]:.3f}-{s["step_max"]:.3f} | '
            f'{floor["peak_mb"]:.0f} | {s["peak_mb"]:.0f} | '
            f'{s["peak_mb"] / max(floor["peak_mb"], 1e-6):.2f}x |')
    if notes:
        lines += [''] + list(notes)
    return '\n'.join(lines) + '\n'


def raw_data(records: Sequence[Dict[str, Any]], settings: Settings,
             machine_: Dict[str, Any], groups: Sequence[Group],
             notes: Sequence[str] = (), complete: bool = True
             ) -> Dict[str, Any]:
    """What ``--json`` writes: settings, machine, groups and every record."""
    return dict(settings=asdict(settings), machine=machine_,
                groups=[dict(label=g.label, modes=[asdict(m) for m in g.modes])
                        for g in groups],
                notes=list(notes), complete=complete,
                measurements=list(records))


def _child_main(argv=None) -> None:
    """Entry of the measuring subprocess: print one JSON line."""
    import lfcc_mm  # noqa: F401  (shims, registries)
    from lfcc_mm.cli import exit_on_user_error
    p = argparse.ArgumentParser()
    p.add_argument('--child', choices=KINDS, required=True)
    p.add_argument('--config', required=True)
    p.add_argument('--batch-size', type=int, required=True)
    p.add_argument('--img-size', type=int, required=True)
    p.add_argument('--steps', type=int, default=5)
    p.add_argument('--warmup', type=int, default=2)
    p.add_argument('--threads', type=int, default=0)
    args = p.parse_args(argv)
    if args.threads:
        import torch
        torch.set_num_threads(args.threads)
    with exit_on_user_error():
        m = measure(args.child, args.config, args.batch_size, args.img_size,
                    args.steps, args.warmup)
    print(json.dumps(asdict(m)))


if __name__ == '__main__':
    _child_main()
