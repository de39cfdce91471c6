"""Step time and peak memory of an LFCC training step vs. its floor.

The *floor* is the cheapest possible distillation step on the same batch:
one student training step (forward, cross-entropy, backward, AdamW step)
plus one teacher forward under ``torch.no_grad()``. The *LFCC* step is the
full :class:`~lfcc_mm.models.algorithms.LFCC` training step (the same work
plus recorders, connectors, LFCC and KD losses, and their backward). The
ratio LFCC / floor is the price of the method itself.

What is measured, per mode, in a **fresh subprocess** (so one measurement's
allocations cannot hide another's peak):

- step time: median wall time of ``--steps`` steps after ``--warmup`` steps;
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
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

from .zoo import ModelSpec, PairSpec, Tap

MODES = ('floor', 'lfcc')

#: ImageNet-size models of the default overhead pair (224x224 inputs).
RESNET18_224 = ModelSpec(
    name='resnet18', family='CNN',
    backbone=dict(type='ResNet', depth=18), neck=dict(
        type='GlobalAveragePooling'), feat_channels=512,
    taps={'s3': Tap('backbone.layer3', 256, 'nchw'),
          's4': Tap('backbone.layer4', 512, 'nchw')})
DEIT_S_224 = ModelSpec(
    name='deit-s', family='ViT',
    backbone=dict(type='VisionTransformer', arch='deit-small', img_size=224,
                  patch_size=16),
    neck=None, feat_channels=384,
    taps={'s3': Tap('backbone.layers.8', 384, 'nlc', num_extra_tokens=1),
          's4': Tap('backbone.layers.11', 384, 'nlc', num_extra_tokens=1)})


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


def measure(mode: str, pair: PairSpec, batch_size: int, img_size: int,
            steps: int = 5, warmup: int = 2, num_classes: int = 1000,
            models: Optional[Dict[str, ModelSpec]] = None) -> Measurement:
    """Measure one mode in this process (call it in a fresh process).

    Args:
        mode (str): ``'floor'`` or ``'lfcc'``.
        pair (PairSpec): Teacher and student.
        batch_size (int): Batch size.
        img_size (int): Square input side.
        steps (int): Timed steps. Defaults to 5.
        warmup (int): Untimed steps first. Defaults to 2.
        num_classes (int): Classes of the heads. Defaults to 1000.
        models (dict, optional): Extra model specs by name (the 224 models).

    Returns:
        Measurement: Median step time and peak memory growth.
    """
    import torch
    from mmpretrain.structures import DataSample
    from mmrazor.registry import MODELS as RAZOR_MODELS

    from . import zoo
    from .methods import MethodHParams, build_method_model
    if mode not in MODES:
        raise ValueError(f'mode must be one of {MODES}, got {mode!r}')
    zoo.MODEL_SPECS.update(models or {})
    cuda = torch.cuda.is_available()
    device = 'cuda' if cuda else 'cpu'
    x = torch.randn(batch_size, 3, img_size, img_size, device=device)
    samples = [DataSample().set_gt_label(i % num_classes)
               for i in range(batch_size)]
    reset = _reset_peak_rss()
    base_mb = _rss_mb()
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    if mode == 'floor':
        student = RAZOR_MODELS.build(
            pair.student_spec.classifier(num_classes)).to(device)
        teacher = RAZOR_MODELS.build(
            pair.teacher_spec.classifier(num_classes)).to(device).eval()
        params = student.parameters()

        def step() -> None:
            with torch.no_grad():
                teacher(x, mode='tensor')
            loss = sum(student(x, samples, mode='loss').values())
            loss.backward()
            optim.step()
            optim.zero_grad()
    else:
        model_cfg = build_method_model('lfcc', pair, num_classes,
                                       teacher_ckpt='<random weights>',
                                       hparams=MethodHParams())
        model_cfg['teacher_ckpt'] = None  # a random teacher costs the same
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


def measure_in_subprocess(mode: str, pair_name: str, batch_size: int,
                          img_size: int, steps: int, warmup: int,
                          threads: int = 0) -> Measurement:
    """Run :func:`measure` in a fresh ``python -m lfcc_mm.bench.overhead``.

    Args:
        mode (str): ``'floor'`` or ``'lfcc'``.
        pair_name (str): Key of :data:`~lfcc_mm.bench.zoo.PAIRS` or of
            :data:`OVERHEAD_PAIRS`.
        batch_size (int): Batch size.
        img_size (int): Input side.
        steps (int): Timed steps.
        warmup (int): Untimed steps.
        threads (int): ``torch.set_num_threads`` in the child; 0 keeps
            torch's default. Defaults to 0.

    Returns:
        Measurement: The child's result.
    """
    cmd = [sys.executable, '-m', 'lfcc_mm.bench.overhead', '--child', mode,
           '--pair', pair_name, '--batch-size', str(batch_size),
           '--img-size', str(img_size), '--steps', str(steps),
           '--warmup', str(warmup), '--threads', str(threads)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return Measurement(**json.loads(out.stdout.strip().splitlines()[-1]))


#: The default overhead pair: ViT-S (DeiT-S) teacher -> ResNet-18 student.
OVERHEAD_PAIRS: Dict[str, PairSpec] = {}


def _pair(name: str) -> PairSpec:
    """A pair of :data:`OVERHEAD_PAIRS` or of the benchmark's PAIRS."""
    from . import zoo
    if name in OVERHEAD_PAIRS:
        return OVERHEAD_PAIRS[name]
    if name in zoo.PAIRS:
        return zoo.PAIRS[name]
    raise KeyError(f'unknown pair {name!r}; known: '
                   f'{sorted(OVERHEAD_PAIRS) + sorted(zoo.PAIRS)}')


def _register_224_models() -> None:
    """Add the 224x224 models to the zoo and define the default pair."""
    from . import zoo
    zoo.MODEL_SPECS.setdefault(RESNET18_224.name, RESNET18_224)
    zoo.MODEL_SPECS.setdefault(DEIT_S_224.name, DEIT_S_224)
    OVERHEAD_PAIRS.setdefault('deit-s2resnet18', PairSpec(
        'deit-s2resnet18', teacher='deit-s', student='resnet18'))


_register_224_models()


def overhead_table(pairs: Sequence[PairSpec], batch_size: int, img_size: int,
                   steps: int = 5, warmup: int = 2, threads: int = 0) -> str:
    """Measure every pair in both modes and format a Markdown table.

    Args:
        pairs (Sequence[PairSpec]): Pairs (names must resolve in a child).
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
    for pair in pairs:
        floor, lfcc = (measure_in_subprocess(mode, pair.name, batch_size,
                                             img_size, steps, warmup, threads)
                       for mode in MODES)
        lines.append(
            f'| {pair.teacher} → {pair.student} | {floor.step_s:.3f} | '
            f'{lfcc.step_s:.3f} | {lfcc.step_s / floor.step_s:.2f}x | '
            f'{floor.peak_mb:.0f} | {lfcc.peak_mb:.0f} | '
            f'{lfcc.peak_mb / max(floor.peak_mb, 1e-6):.2f}x |')
    return '\n'.join(lines) + '\n'


def _child_main(argv=None) -> None:
    """Entry of the measuring subprocess: print one JSON line."""
    import lfcc_mm  # noqa: F401  (shims, registries)
    p = argparse.ArgumentParser()
    p.add_argument('--child', choices=MODES, required=True)
    p.add_argument('--pair', required=True)
    p.add_argument('--batch-size', type=int, required=True)
    p.add_argument('--img-size', type=int, required=True)
    p.add_argument('--steps', type=int, default=5)
    p.add_argument('--warmup', type=int, default=2)
    p.add_argument('--threads', type=int, default=0)
    args = p.parse_args(argv)
    if args.threads:
        import torch
        torch.set_num_threads(args.threads)
    m = measure(args.child, _pair(args.pair), args.batch_size, args.img_size,
                args.steps, args.warmup)
    print(json.dumps(m.__dict__))


if __name__ == '__main__':
    _child_main()
