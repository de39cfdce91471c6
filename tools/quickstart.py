"""Quickstart: distil a CNN teacher into a ViT student on scikit-learn's digits.

Runs the digits grid ``configs/benchmark/digits/`` with the benchmark driver
(:mod:`lfcc_bench.driver`): a ResNet-18 (width 16) teacher
(``teachers/resnet18-w16_digits.py``), then a tiny ViT student three ways,
with the same data, schedule and seed: from scratch, with vanilla KD
(logits) and with LFCC + the same logit KD (``scratch_``, ``kd_`` and
``lfcc_kd_resnet18-w16_vit-t_digits.py``). Each run is a process of its own
with mmengine's logs in its work dir. Prints the held-out top-1 and wall
time of each and writes ``WORK_DIR/results.json`` (a row per run, with the
config it ran), ``results.md``, ``top1.png``, ``curves_{pair}.png``,
checkpoints and logs. The digits ship with scikit-learn: nothing is
downloaded. The CPU kernels are capped at AVX2 on one thread (see
:mod:`lfcc_bench.numerics`), so the same seed gives the same numbers on x86
machines with different instruction sets.

Example:
    python tools/quickstart.py --work-dir work_dirs/quickstart
"""
from __future__ import annotations

import argparse
import os.path as osp
import shlex
import sys
import time
from typing import Optional, Sequence

# lfcc_bench (benchmark tooling) lives in the checkout, not in the install
sys.path.insert(0, osp.abspath(osp.join(osp.dirname(__file__), '..')))

import lfcc_mm  # noqa: F401  (compat shims before mmrazor; registers all)
from lfcc_bench.driver import Benchmark, BenchOptions, DataChoice
from lfcc_bench.numerics import CPU_ISAS, pin_cpu_numerics
from lfcc_bench.report import write_report
from lfcc_bench.results import load_results
from lfcc_mm.cli import UserError, exit_on_user_error

#: The digits grid (of this checkout) and what the quickstart runs of it.
BENCH_DIR = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))),
                     'configs', 'benchmark', 'digits')
PAIR = ('resnet18-w16', 'vit-t')
METHODS = ['scratch', 'kd', 'lfcc_kd']
#: ``--quick``: a smoke test of the whole path (not a meaningful result):
#: 1 epoch over the first 13 training digits of each class (130 images,
#: two batches of 64), for the teacher and the students.
QUICK = dict(epochs=1, teacher_epochs=1, train_per_class=13,
             teacher_train_per_class=13)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
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
                        help='1 epoch on 13 images per class: checks the '
                        'pipeline in about a minute; accuracies are '
                        'meaningless')
    parser.add_argument('--verbose', action='store_true',
                        help="mmengine's logs (loss, ETA) on the console too "
                        "(they are always in each run's work dir)")
    return parser.parse_args(argv)


def check_args(args: argparse.Namespace) -> None:
    """Reject values that would fail late.

    Raises:
        UserError: Naming the flag and the value.
    """
    if args.seed < 0:
        raise UserError(f'--seed must be >= 0, got {args.seed}')
    if args.threads < 1:
        raise UserError(f'--threads must be >= 1, got {args.threads}')
    if osp.exists(args.work_dir) and not osp.isdir(args.work_dir):
        raise UserError(f'--work-dir {args.work_dir} is a file, not a folder')


def options(args: argparse.Namespace,
            argv: Optional[Sequence[str]] = None) -> BenchOptions:
    """The driver's options for checked ``args``.

    Args:
        args (argparse.Namespace): From :func:`parse_args`.
        argv (list[str], optional): The command line, recorded with every
            row. Defaults to ``sys.argv[1:]``.

    Returns:
        BenchOptions: Teacher trained here (cached in the work dir), the
        configs' own data and schedules unless ``--quick``.
    """
    quick = QUICK if args.quick else {}
    argv = sys.argv[1:] if argv is None else list(argv)
    return BenchOptions(
        bench_dir=BENCH_DIR, work_dir=args.work_dir, data=DataChoice(),
        pairs=[PAIR], methods=list(METHODS), seeds=[args.seed],
        teachers='train', threads=args.threads, cpu_isa=args.cpu_isa,
        verbose=args.verbose,
        command=shlex.join(['python', 'tools/quickstart.py'] + argv),
        **quick)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Train the teacher and the three students, print the table."""
    args = parse_args(argv)
    with exit_on_user_error():
        check_args(args)
        run(options(args, argv))


def run(opts: BenchOptions) -> None:
    """Run the quickstart of ``opts``; print the table."""
    numerics = pin_cpu_numerics(opts.threads, opts.cpu_isa)
    start = time.perf_counter()
    bench = Benchmark(opts, numerics)
    bench.run()
    report = write_report(load_results(opts.work_dir), opts.work_dir,
                          current=bench.settings_id,
                          bench_dir=opts.bench_dir)
    total = time.perf_counter() - start
    teacher, student = PAIR
    print('\nQuickstart on scikit-learn digits (held-out split of 360 '
          f'images), {teacher} teacher -> {student} student, from scratch, '
          'with KD and with LFCC + KD:\n')
    print(report['markdown'])
    for weak in report['weak_teachers']:
        print(f'{weak} (a teacher should beat its students from scratch '
              'by 5 points)')
    if report['smoke']:
        print('This was a smoke test (--quick): accuracies mean nothing.')
    plots = ', '.join(osp.basename(p) for p in
                      [report['top1_plot']] + report['curves_plots'])
    print(f'Total wall time {total:.0f} s ({bench.reused} rows reused). '
          f'Outputs in {opts.work_dir}: results.json, results.md, {plots}, '
          'teachers/, runs/.')


if __name__ == '__main__':
    main()
