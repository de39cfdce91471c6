"""Step time and peak memory of an LFCC training step vs. its floor.

Both modes build their networks from one LFCC distillation config (a
``configs/benchmark/<dataset>/lfcc*_{teacher}_{student}_*.py`` of a
benchmark pair, or any config such as
``configs/lfcc/lfcc-kd_deit-s_res18_8xb32_in1k.py``):

- the *floor* is the cheapest possible distillation step on the same batch:
  one training step of the config's student (``model.architecture``:
  forward, its own loss, backward, AdamW step) plus one forward of its
  teacher (``model.teacher``) under ``torch.no_grad()``;
- the *LFCC* step is the config's whole ``model`` training step (the same
  work plus recorders, connectors, the LFCC losses and any other distill
  loss of the config, e.g. logit KD, and their backward).

The ratio LFCC / floor is the price of the method itself. Weights are random
(``teacher_ckpt`` is not loaded: a random teacher costs the same), inputs
are random and labels cycle through the first classes.

What is measured, per mode, in a **fresh subprocess** (so one measurement's
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
import os.path as osp
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any, List, Sequence

from lfcc_mm.errors import UserError

from .run_config import find_bench_configs

MODES = ('floor', 'lfcc')
#: Repository root (default configs are relative to it).
REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
#: The benchmark whose ``{teacher}_{student}`` pairs ``--pairs`` names.
BENCH_DIR = osp.join(REPO_ROOT, 'configs', 'benchmark', 'cifar10')
#: The method of a pair that is measured (LFCC + logit KD, as the
#: ImageNet-1K default).
PAIR_METHOD = 'lfcc_kd'
#: The default case: DeiT-S (ViT-S/16) teacher -> ResNet-18 student at 224.
DEFAULT_CONFIG = osp.join(REPO_ROOT, 'configs', 'lfcc',
                          'lfcc-kd_deit-s_res18_8xb32_in1k.py')


@dataclass(frozen=True)
class Case:
    """One row of the overhead table.

    Args:
        label (str): First column, e.g. ``'res18-w32 → vit-t'``.
        config (str): The LFCC distillation config measured.
    """

    label: str
    config: str


@dataclass(frozen=True)
class Measurement:
    """One mode's cost.

    Args:
        mode (str): ``'floor'`` or ``'lfcc'``.
        step_s (float): Median step time (s).
        peak_mb (float): Peak memory growth (MiB), see the module docstring.
        memory (str): What ``peak_mb`` measures.
    """

    mode: str
    step_s: float
    peak_mb: float
    memory: str


def pair_case(pair: str, bench_dir: str = BENCH_DIR,
              method: str = PAIR_METHOD) -> Case:
    """The case of a benchmark pair ``{teacher}_{student}``.

    Args:
        pair (str): E.g. ``'res18-w32_vit-t'``.
        bench_dir (str): The benchmark grid. Defaults to
            ``configs/benchmark/cifar10``.
        method (str): Which method's config of the pair. Defaults to
            ``'lfcc_kd'``.

    Returns:
        Case: Labelled ``teacher → student``.

    Raises:
        UserError: If the grid has no such pair or no such method for it.
    """
    grid = [c for c in find_bench_configs(bench_dir) if c.student]
    pairs = sorted({f'{c.teacher}_{c.student}' for c in grid})
    if pair not in pairs:
        raise UserError(f'--pairs: {pair!r} is not a pair of {bench_dir}; '
                        f'pairs there: {pairs}')
    for c in grid:
        if f'{c.teacher}_{c.student}' == pair and c.method == method:
            return Case(f'{c.teacher} → {c.student}', c.path)
    methods = sorted({c.method for c in grid
                      if f'{c.teacher}_{c.student}' == pair})
    raise UserError(f'--method: pair {pair} of {bench_dir} has no '
                    f'{method!r} config; methods there: {methods}')


def config_case(config: str) -> Case:
    """The case of any LFCC distillation config, labelled by its name."""
    return Case(osp.splitext(osp.basename(config))[0], config)


def load_lfcc_config(config: str) -> Any:
    """Load ``config`` and check that it distils with LFCC.

    Args:
        config (str): Config file.

    Returns:
        mmengine.Config: The config.

    Raises:
        UserError: If the file is missing, has no teacher or no LFCCLoss.
    """
    from mmengine.config import Config
    if not osp.isfile(config):
        raise UserError(f'config {config!r} does not exist')
    cfg = Config.fromfile(config)
    model = cfg.model
    if 'teacher' not in model or 'architecture' not in model:
        raise UserError(f'{config}: model has no teacher and architecture; '
                        'the overhead needs a distillation config')
    losses = model.get('distiller', {}).get('distill_losses', {})
    kinds = sorted({str(loss.get('type', '')) for loss in losses.values()})
    if not any(k.split('.')[-1] == 'LFCCLoss' for k in kinds):
        raise UserError(f'{config}: no LFCCLoss in '
                        f'model.distiller.distill_losses (found {kinds})')
    return cfg


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
        mode (str): ``'floor'`` or ``'lfcc'``.
        config (str): An LFCC distillation config (see the module
            docstring).
        batch_size (int): Batch size.
        img_size (int): Square input side.
        steps (int): Timed steps. Defaults to 5.
        warmup (int): Untimed steps first. Defaults to 2.

    Returns:
        Measurement: Median step time and peak memory growth.
    """
    if mode not in MODES:
        raise ValueError(f'mode must be one of {MODES}, got {mode!r}')
    import torch
    from mmengine.registry import init_default_scope
    from mmpretrain.structures import DataSample
    from mmrazor.registry import MODELS as RAZOR_MODELS

    cfg = load_lfcc_config(config)
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
    else:
        peak = _peak_rss_mb() - base_mb
        memory = ('peak RSS growth (VmHWM reset before build)' if reset else
                  'peak RSS growth (ru_maxrss - RSS before build)')
    return Measurement(mode, statistics.median(times), peak, memory)


def measure_in_subprocess(mode: str, config: str, batch_size: int,
                          img_size: int, steps: int, warmup: int,
                          threads: int = 0) -> Measurement:
    """Run :func:`measure` in a fresh ``python -m lfcc_bench.overhead``.

    Args:
        mode (str): ``'floor'`` or ``'lfcc'``.
        config (str): An LFCC distillation config.
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
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f'measuring {mode} of {config} failed (exit '
                           f'{out.returncode}): {out.stderr[-2000:]}')
    return Measurement(**json.loads(out.stdout.strip().splitlines()[-1]))


def overhead_table(cases: Sequence[Case], batch_size: int, img_size: int,
                   steps: int = 5, warmup: int = 2, threads: int = 0) -> str:
    """Measure every case in both modes and format a Markdown table.

    Args:
        cases (Sequence[Case]): Rows, from :func:`pair_case` or
            :func:`config_case`.
        batch_size (int): Batch size.
        img_size (int): Input side.
        steps (int): Timed steps. Defaults to 5.
        warmup (int): Untimed steps. Defaults to 2.
        threads (int): Torch threads in the children; 0 = default.

    Returns:
        str: Markdown table with floor, LFCC and the ratios.
    """
    lines = [f'Overhead at batch {batch_size}, {img_size}x{img_size} '
             'inputs (median step; memory: see overhead.py):', '',
             '| Teacher → Student | Floor step (s) | LFCC step (s) | Time '
             'ratio | Floor peak (MiB) | LFCC peak (MiB) | Memory ratio |',
             '|---|---|---|---|---|---|---|']
    for case in cases:
        floor, lfcc = (measure_in_subprocess(mode, case.config, batch_size,
                                             img_size, steps, warmup, threads)
                       for mode in MODES)
        lines.append(
            f'| {case.label} | {floor.step_s:.3f} | '
            f'{lfcc.step_s:.3f} | {lfcc.step_s / floor.step_s:.2f}x | '
            f'{floor.peak_mb:.0f} | {lfcc.peak_mb:.0f} | '
            f'{lfcc.peak_mb / max(floor.peak_mb, 1e-6):.2f}x |')
    return '\n'.join(lines) + '\n'


def _child_main(argv=None) -> None:
    """Entry of the measuring subprocess: print one JSON line."""
    import lfcc_mm  # noqa: F401  (shims, registries)
    from lfcc_mm.cli import exit_on_user_error
    p = argparse.ArgumentParser()
    p.add_argument('--child', choices=MODES, required=True)
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
    print(json.dumps(m.__dict__))


if __name__ == '__main__':
    _child_main()
