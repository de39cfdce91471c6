"""Benchmark: heterogeneous students from scratch vs. vanilla KD vs. LFCC.

For a dataset in the ``ROOT/<class>/<image>`` layout (32x32 images, e.g. the
CIFAR-10 JPEGs), trains each pair's teacher once (cached in
``WORK_DIR/teachers/``), then for every pair, seed and method the student,
all with the same pipeline, budget, seed and augmentation, using mmengine's
Runner and the registered lfcc_mm components (see ``lfcc_mm/bench``).

Outputs in ``WORK_DIR``: ``results.json`` (every run: pair, method, seed,
top-1, wall time, command), ``results.md`` (model-zoo table, mean ± std over
seeds, Δ vs. scratch), ``top1.png`` (bar chart with seed error bars),
``curves.png`` (student cross-entropy from the mmengine scalar logs), and
with ``--overhead`` ``overhead.md`` (LFCC step time / peak memory vs. the
floor, see ``tools/benchmark/overhead.py``). Re-running the same command
resumes: finished runs and teachers are reused. Rows are merged into
``results.json``, never dropped; a row is reused only when every setting that
shaped it (data, budget, optimiser, method hyper-parameters, kernel numerics,
the teacher's weights) is the same, and each row records its settings. The
table shows the rows of this command's settings; rows of other settings
follow under their own heading.

Example (the default run, about an hour on 2 CPU cores)::

    python tools/benchmark/kd_bench.py --train-root data/cifar10-jpeg/train \\
        --test-root data/cifar10-jpeg/val --work-dir work_dirs/kd_bench
"""
from __future__ import annotations

import argparse
import os.path as osp
import shlex
import sys
import time

import lfcc_mm  # noqa: F401  (compat shims before mmrazor; registers all)
from lfcc_mm.bench import (METHODS, PAIRS, Experiment, MethodHParams,
                           Schedule, folder_data, load_results,
                           run_benchmark, settings_id_of, write_report)
from lfcc_mm.bench.numerics import CPU_ISAS, pin_cpu_numerics
from lfcc_mm.utils import UserError, exit_on_user_error

DEFAULT_PAIRS = ['vit2cnn', 'cnn2mixer', 'cnn2vit']
DEFAULT_METHODS = ['scratch', 'kd', 'lfcc', 'ofa']
#: ``--quick`` overrides: a few minutes, checks the whole path.
QUICK = dict(budget=1, teacher_budget=1, train_subset=20, test_subset=20,
             seeds=[0])


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line arguments."""
    p = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument('--train-root', required=True,
                   help='training folder, ROOT/<class>/<image>')
    p.add_argument('--test-root', required=True,
                   help='test folder with the same classes')
    p.add_argument('--work-dir', default='work_dirs/kd_bench')
    p.add_argument('--budget', type=int, default=4,
                   help='student training epochs (over --train-subset)')
    p.add_argument('--teacher-budget', type=int, default=10,
                   help='teacher training epochs (same images)')
    p.add_argument('--train-subset', type=int, default=500,
                   help='training images per class (first N in file order); '
                   '0 = all')
    p.add_argument('--test-subset', type=int, default=0,
                   help='test images per class; 0 = all')
    p.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    p.add_argument('--pairs', nargs='+', default=DEFAULT_PAIRS,
                   choices=sorted(PAIRS))
    p.add_argument('--methods', nargs='+', default=DEFAULT_METHODS,
                   choices=sorted(METHODS))
    p.add_argument('--batch-size', type=int, default=64)
    p.add_argument('--num-workers', type=int, default=2)
    p.add_argument('--lr', type=float, default=2e-3, help='AdamW peak lr')
    p.add_argument('--kd-tau', type=float, default=MethodHParams.kd_tau)
    p.add_argument('--lfcc-weight', type=float,
                   default=MethodHParams.lfcc_weight,
                   help='weight of each LFCC stage loss')
    p.add_argument('--lfcc-tau', type=float, default=MethodHParams.lfcc_tau)
    p.add_argument('--threads', type=int, default=1,
                   help='torch intra-op threads (these tiny models gain little '
                   'from more, and on shared cores more threads thrash)')
    p.add_argument('--cpu-isa', choices=CPU_ISAS, default='avx2',
                   help='instruction set of the CPU kernels: avx2 gives the '
                   'same numbers on every x86 machine with AVX2; native is '
                   'faster on AVX-512 machines but its numbers differ '
                   'between machines')
    p.add_argument('--overhead', action='store_true',
                   help='also measure LFCC step time / memory vs. the floor '
                   'for each pair (fresh subprocess per measurement)')
    p.add_argument('--quick', action='store_true',
                   help='1 epoch, 20 images per class, seed 0: a smoke test '
                   'in a few minutes (accuracies are meaningless)')
    return p.parse_args(argv)


def check_args(args: argparse.Namespace) -> None:
    """Reject values that would fail late or mean nothing.

    Args:
        args (argparse.Namespace): Parsed arguments.

    Raises:
        UserError: Naming the flag, the value and what is allowed.
    """
    for flag in ('budget', 'teacher_budget', 'batch_size', 'threads'):
        value = getattr(args, flag)
        if value < 1:
            raise UserError(f'--{flag.replace("_", "-")} must be >= 1, got '
                            f'{value}')
    for flag in ('train_subset', 'test_subset', 'num_workers'):
        value = getattr(args, flag)
        if value < 0:
            raise UserError(f'--{flag.replace("_", "-")} must be >= 0, got '
                            f'{value}')
    negative = [s for s in args.seeds if s < 0]
    if negative:
        raise UserError(f'--seeds must be >= 0, got {negative}')
    repeated = sorted({s for s in args.seeds if args.seeds.count(s) > 1})
    if repeated:
        raise UserError(f'--seeds must be unique, got {repeated} more than '
                        'once')
    if args.lr <= 0:
        raise UserError(f'--lr must be > 0, got {args.lr}')
    if osp.exists(args.work_dir) and not osp.isdir(args.work_dir):
        raise UserError(f'--work-dir {args.work_dir} is a file, not a folder')


def main(argv=None) -> None:
    """Run the benchmark and write its table and plots."""
    args = parse_args(argv)
    if args.quick:
        for key, value in QUICK.items():
            setattr(args, key, value)
    with exit_on_user_error():
        check_args(args)
        run(args)


def run(args: argparse.Namespace) -> None:
    """Run the benchmark of checked ``args``."""
    numerics = pin_cpu_numerics(args.threads, args.cpu_isa)
    data = folder_data(args.train_root, args.test_root,
                       train_per_class=args.train_subset or None,
                       test_per_class=args.test_subset or None,
                       batch_size=args.batch_size,
                       num_workers=args.num_workers)
    exp = Experiment(
        data=data,
        schedule=Schedule(epochs=args.budget, lr=args.lr),
        teacher_schedule=Schedule(epochs=args.teacher_budget, lr=args.lr),
        work_dir=args.work_dir,
        hparams=MethodHParams(kd_tau=args.kd_tau, lfcc_weight=args.lfcc_weight,
                              lfcc_tau=args.lfcc_tau),
        command=shlex.join(['python'] + sys.argv), numerics=numerics)
    start = time.perf_counter()
    run_benchmark(exp, args.pairs, args.methods, args.seeds)
    report = write_report(load_results(args.work_dir), args.work_dir,
                          current=settings_id_of(exp))
    print('\n' + report['markdown'])
    if args.overhead:
        from lfcc_mm.bench.overhead import overhead_table
        table = overhead_table([PAIRS[p] for p in args.pairs],
                               batch_size=args.batch_size, img_size=32)
        with open(f'{args.work_dir}/overhead.md', 'w') as f:
            f.write(table)
        print(table)
    print(f'Total wall time {time.perf_counter() - start:.0f} s. Outputs: '
          f'{report["table"]}, {report["top1_plot"]}, '
          f'{report["curves_plot"]}, {args.work_dir}/results.json')


if __name__ == '__main__':
    main()
