"""Quickstart: distil a CNN teacher into a ViT student on scikit-learn's digits.

Trains, with mmengine's Runner and the registered lfcc_mm components, a
ResNet-18 (width 16) teacher, then a tiny ViT student three ways with the same
pipeline, budget and seed: from scratch, with vanilla KD (logits) and with
LFCC (+ logits). Prints the held-out top-1 and wall time of each and writes
``WORK_DIR/results.json``, ``results.md``, ``top1.png``, ``curves.png``,
checkpoints and logs. The digits ship with scikit-learn: nothing is
downloaded. The CPU kernels are capped at AVX2 on one thread (see
:mod:`lfcc_mm.bench.numerics`), so the same seed gives the same numbers on
x86 machines with different instruction sets.

Example:
    python tools/quickstart.py --work-dir work_dirs/quickstart
"""
from __future__ import annotations

import argparse
import shlex
import sys
import time

import lfcc_mm  # noqa: F401  (compat shims before mmrazor; registers all)
from lfcc_mm.bench import (Experiment, MethodHParams, QUICKSTART_PAIR,
                           Schedule, digits_data, load_results,
                           run_benchmark, settings_id_of, write_report)
from lfcc_mm.bench.numerics import CPU_ISAS, pin_cpu_numerics
from lfcc_mm.utils import UserError, exit_on_user_error

#: Full quickstart budget (epochs over the 1,437 training digits).
TEACHER_EPOCHS = 6
STUDENT_EPOCHS = 12
#: ``--quick``: a smoke test of the whole path (not a meaningful result).
QUICK = dict(teacher_epochs=1, student_epochs=1, train_subset=128)


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line arguments."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', default='work_dirs/quickstart',
                        help='output folder (default: %(default)s)')
    parser.add_argument('--seed', type=int, default=0,
                        help='seed of the students (default: %(default)s)')
    parser.add_argument('--threads', type=int, default=1,
                        help='torch intra-op threads (default: %(default)s; '
                        'these tiny models gain little from more, and on '
                        'shared cores more threads thrash)')
    parser.add_argument('--cpu-isa', choices=CPU_ISAS, default='avx2',
                        help='instruction set of the CPU kernels (default: '
                        '%(default)s, the same numbers on every x86 machine '
                        'with AVX2; native is faster on AVX-512 machines but '
                        'its numbers differ between machines)')
    parser.add_argument('--quick', action='store_true',
                        help='1 epoch on 128 images: checks the pipeline '
                        'in under a minute; accuracies are meaningless')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    """Train the teacher and the three students, print the table."""
    args = parse_args(argv)
    with exit_on_user_error():
        if args.seed < 0:
            raise UserError(f'--seed must be >= 0, got {args.seed}')
        if args.threads < 1:
            raise UserError(f'--threads must be >= 1, got {args.threads}')
        run(args)


def run(args: argparse.Namespace) -> None:
    """The quickstart of checked ``args``."""
    numerics = pin_cpu_numerics(args.threads, args.cpu_isa)
    quick = QUICK if args.quick else dict(
        teacher_epochs=TEACHER_EPOCHS, student_epochs=STUDENT_EPOCHS,
        train_subset=None)
    exp = Experiment(
        data=digits_data(train_subset=quick['train_subset']),
        schedule=Schedule(epochs=quick['student_epochs'], log_interval=5),
        teacher_schedule=Schedule(epochs=quick['teacher_epochs'],
                                  log_interval=5),
        work_dir=args.work_dir, hparams=MethodHParams(),
        command=shlex.join(['python'] + sys.argv), numerics=numerics)
    start = time.perf_counter()
    run_benchmark(exp, [QUICKSTART_PAIR], ['scratch', 'kd', 'lfcc'],
                  [args.seed])
    report = write_report(load_results(args.work_dir), args.work_dir,
                          current=settings_id_of(exp))
    total = time.perf_counter() - start
    print('\nQuickstart on scikit-learn digits (held-out split of 360 '
          f'images), {QUICKSTART_PAIR.teacher} teacher -> '
          f'{QUICKSTART_PAIR.student} student:\n')
    print(report['markdown'])
    print(f'Total wall time {total:.0f} s. Outputs in {args.work_dir}: '
          'results.json, results.md, top1.png, curves.png, teachers/, runs/.')


if __name__ == '__main__':
    main()
