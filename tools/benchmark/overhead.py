"""Overhead of LFCC: step time and peak memory vs. the floor, one table.

Floor = the config's student training step + its teacher's forward under
``no_grad`` on the same batch; LFCC = the config's full training step (LFCC
+ logit KD for the default and the benchmark pairs). Each mode runs in a
fresh subprocess; see ``lfcc_bench/overhead.py`` for exactly what is
measured.

Default: DeiT-S (ViT-S/16) teacher -> ResNet-18 student
(``configs/lfcc/lfcc-kd_deit-s_res18_8xb32_in1k.py``), batch 32, 224x224,
random weights and inputs (the cost does not depend on them). ``--pairs``
measures pairs of the CIFAR-10 benchmark grid instead (their
``lfcc_kd_{teacher}_{student}_cifar10.py`` configs, 32x32 inputs)::

    python tools/benchmark/overhead.py
    python tools/benchmark/overhead.py --pairs res18-w32_vit-t \\
        vit-s_res18-w16 --batch-size 64
"""
from __future__ import annotations

import argparse
from typing import Optional, Sequence

import sys
import os.path as osp
# lfcc_bench (benchmark tooling) lives in the checkout, not in the install
sys.path.insert(0, osp.abspath(osp.join(osp.dirname(__file__), '..', '..')))

import lfcc_mm  # noqa: F401  (compat shims before mmrazor; registers all)
from lfcc_bench.overhead import (BENCH_DIR, DEFAULT_CONFIG, PAIR_METHOD,
                                    config_case, load_lfcc_config,
                                    overhead_table, pair_case)
from lfcc_mm.cli import UserError, exit_on_user_error


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Command-line arguments."""
    p = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    what = p.add_mutually_exclusive_group()
    what.add_argument('--pairs', nargs='+',
                      help='TEACHER_STUDENT pairs of --bench-dir, e.g. '
                      'res18-w32_vit-t (default: --configs)')
    what.add_argument('--configs', nargs='+',
                      help='LFCC distillation configs (default: '
                      'configs/lfcc/lfcc-kd_deit-s_res18_8xb32_in1k.py)')
    p.add_argument('--bench-dir', default=BENCH_DIR,
                   help='the benchmark grid of --pairs')
    p.add_argument('--method', default=PAIR_METHOD,
                   help='which config of each pair (an LFCC method)')
    p.add_argument('--batch-size', type=int, default=32)
    p.add_argument('--img-size', type=int,
                   help='input side (default: 32 for --pairs, the '
                   "benchmark's 32x32 models; 224 for --configs)")
    p.add_argument('--steps', type=int, default=5, help='timed steps')
    p.add_argument('--warmup', type=int, default=2, help='untimed steps')
    p.add_argument('--threads', type=int, default=0,
                   help='torch threads per measurement (0: torch default)')
    p.add_argument('--out', help='also write the table to this file')
    return p.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Measure and print the table (and write it with ``--out``)."""
    args = parse_args(argv)
    with exit_on_user_error():
        for flag in ('batch_size', 'img_size', 'steps'):
            value = getattr(args, flag)
            if value is not None and value < 1:
                raise UserError(f'--{flag.replace("_", "-")} must be >= 1, '
                                f'got {value}')
        if args.pairs:
            cases = [pair_case(name, args.bench_dir, args.method)
                     for name in args.pairs]
        else:
            cases = [config_case(c) for c in args.configs or [DEFAULT_CONFIG]]
        for case in cases:  # fail here, not in a measuring child
            load_lfcc_config(case.config)
        img_size = args.img_size or (32 if args.pairs else 224)
        table = overhead_table(cases, args.batch_size, img_size, args.steps,
                               args.warmup, args.threads)
    print(table)
    if args.out:
        with open(args.out, 'w') as f:
            f.write(table)


if __name__ == '__main__':
    main()
