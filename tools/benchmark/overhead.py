"""Overhead of LFCC: step time and peak memory vs. the floor, one table.

Floor = student training step + teacher forward under ``no_grad`` on the same
batch; LFCC = the full LFCC training step. Each mode runs in a fresh
subprocess; see ``lfcc_mm/bench/overhead.py`` for exactly what is measured.

Default: DeiT-S (ViT-S/16) teacher -> ResNet-18 student, batch 32, 224x224,
random weights and inputs (the cost does not depend on them)::

    python tools/benchmark/overhead.py
    python tools/benchmark/overhead.py --pairs cnn2vit vit2cnn --img-size 32
"""
from __future__ import annotations

import argparse

import lfcc_mm  # noqa: F401  (compat shims before mmrazor; registers all)
from lfcc_mm.bench.overhead import _pair, overhead_table


def main(argv=None) -> None:
    """Measure and print the table (and write it with ``--out``)."""
    p = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument('--pairs', nargs='+', default=['deit-s2resnet18'],
                   help='deit-s2resnet18 (224 models) or benchmark pairs '
                   '(32x32 models: vit2cnn, cnn2mixer, cnn2vit)')
    p.add_argument('--batch-size', type=int, default=32)
    p.add_argument('--img-size', type=int, default=224)
    p.add_argument('--steps', type=int, default=5, help='timed steps')
    p.add_argument('--warmup', type=int, default=2, help='untimed steps')
    p.add_argument('--threads', type=int, default=0,
                   help='torch threads per measurement (0: torch default)')
    p.add_argument('--out', help='also write the table to this file')
    args = p.parse_args(argv)
    table = overhead_table([_pair(name) for name in args.pairs],
                           args.batch_size, args.img_size, args.steps,
                           args.warmup, args.threads)
    print(table)
    if args.out:
        with open(args.out, 'w') as f:
            f.write(table)


if __name__ == '__main__':
    main()
