"""Benchmark: run the teacher-student grid of ``configs/benchmark/cifar10``.

Every run is a config of that folder (see its README): for each pair the
teacher (the weights shipped in ``checkpoints/benchmark/``, tested here, or
trained from ``teachers/`` with ``--teachers train``), then every method and
seed of the student. This driver only injects the data, seed, teacher
weights and work dir (and, for smoke runs, fewer epochs or images); the
models, methods and schedules are the configs'. Runs go ``--jobs`` at a
time, each in its own process with its mmengine log in its work dir and one
progress bar here (``--verbose`` puts the logs on the console).

Outputs in ``WORK_DIR``: ``results.json`` (a row per run: its ``config``,
pair, method, seed, top-1, wall time, settings, fingerprint), ``results.md``
(mean ± std over seeds, Δ vs. scratch, one table per settings group),
``top1.png``, ``curves_{pair}.png`` (loss terms and accuracy per method;
``*_smoke-test.png`` with ``--quick``). Re-running the same command
resumes: a row is reused only when everything that shaped it (resolved
config, teacher weights, kernel numerics, class list) is the same.
``tools/benchmark/update_model_zoo.py WORK_DIR/results.json`` puts the
results into the metafile and the benchmark README.

Examples::

    # CIFAR-10 through mmpretrain (downloaded into data/cifar10)
    python tools/benchmark/kd_bench.py --dataset cifar10 \\
        --data-root data/cifar10 --jobs 2
    # class folders, every method
    python tools/benchmark/kd_bench.py --train-root data/cifar10-jpeg/train \\
        --test-root data/cifar10-jpeg/val --methods all --jobs 2
"""
from __future__ import annotations

import argparse
import os
import os.path as osp
import shlex
import sys
import time
from typing import Optional, Sequence

# lfcc_bench (benchmark tooling) lives in the checkout, not in the install
sys.path.insert(0, osp.abspath(osp.join(osp.dirname(__file__), '..', '..')))

import lfcc_mm  # noqa: F401  (compat shims before mmrazor; registers all)
from lfcc_bench.driver import (TEACHER_SOURCES, Benchmark, BenchOptions,
                                  DataChoice)
from lfcc_bench.numerics import CPU_ISAS, pin_cpu_numerics
from lfcc_bench.report import write_report
from lfcc_bench.results import load_results
from lfcc_bench.run_config import find_bench_configs
from lfcc_mm.cli import UserError, exit_on_user_error
from lfcc_mm.cli.runner import CfgOptionsAction

BENCH_DIR = 'configs/benchmark/cifar10'
#: The default run: one pair per direction out of and into CNNs.
DEFAULT_PAIRS = ['vit-s_res18-w16', 'res18-w32_vit-t', 'res18-w32_mixer-t']
DEFAULT_METHODS = ['scratch', 'kd', 'ofa', 'lfcc', 'lfcc_kd']
#: Student seeds when --seeds is not given (and not --quick).
DEFAULT_SEEDS = (0, 1, 2)
#: ``--quick``: a few minutes, checks the whole path (numbers meaningless).
QUICK = dict(epochs=1, teacher_epochs=1, train_per_class=20,
             teacher_train_per_class=20, seeds=[0])


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Command-line arguments."""
    p = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument('--bench-dir', default=BENCH_DIR,
                   help='the config grid (teachers/ and '
                   '{method}_{teacher}_{student}_{dataset}.py)')
    p.add_argument('--dataset', choices=('folder', 'cifar10', 'cifar100'),
                   default='folder',
                   help='class folders (--train-root/--test-root) or '
                   "mmpretrain's CIFAR-10 / CIFAR-100 (--data-root)")
    p.add_argument('--data-root', help='CIFAR root (mmpretrain downloads '
                   'the dataset there when it is missing)')
    p.add_argument('--train-root', help='training folder, ROOT/<class>/<img>'
                   ' (default: the configs\' data/cifar10-jpeg/train)')
    p.add_argument('--test-root', help='test folder with the same classes '
                   '(default: the configs\' data/cifar10-jpeg/val)')
    p.add_argument('--work-dir', default='work_dirs/kd_bench')
    p.add_argument('--pairs', nargs='+', default=DEFAULT_PAIRS,
                   help='TEACHER_STUDENT names, or "all"')
    p.add_argument('--methods', nargs='+', default=DEFAULT_METHODS,
                   help='method names as in the configs, or "all"')
    p.add_argument('--seeds', type=int, nargs='+',
                   help='student seeds (default: 0 1 2; 0 with --quick)')
    p.add_argument('--teachers', choices=TEACHER_SOURCES,
                   help='auto (the default; train with --quick): the shipped '
                   'teacher weights where they apply (CIFAR-10\'s 10 '
                   'classes), else train; train: always train the teachers '
                   '(cached in WORK_DIR/teachers)')
    p.add_argument('--epochs', type=int,
                   help='student epochs (default: the configs\')')
    p.add_argument('--teacher-epochs', type=int,
                   help='teacher epochs (default: the configs\')')
    p.add_argument('--train-per-class', type=int,
                   help='student training images per class (default: the '
                   'configs\', 500)')
    p.add_argument('--teacher-train-per-class', type=int,
                   help='teacher training images per class (default: all)')
    p.add_argument('--jobs', type=int, default=1,
                   help='runs at once (CPU: each with --threads threads; '
                   'CUDA: one GPU each); the rows do not depend on it')
    p.add_argument('--threads', type=int, default=1,
                   help='torch threads per run (part of every row: the '
                   'summation order depends on it)')
    p.add_argument('--cpu-isa', choices=CPU_ISAS, default='avx2',
                   help='instruction set of the CPU kernels: avx2 gives the '
                   'same numbers on every x86 machine with AVX2; native is '
                   'faster on AVX-512 machines but its numbers differ '
                   'between machines')
    p.add_argument('--device', choices=('cpu', 'cuda'), default='cpu')
    p.add_argument('--cfg-options', nargs='+', action=CfgOptionsAction,
                   help='key=value pairs merged into every run\'s config '
                   '(as tools/train.py)')
    p.add_argument('--verbose', action='store_true',
                   help="mmengine's logs on the console too (they are always "
                   'in each run\'s work dir)')
    p.add_argument('--quick', action='store_true',
                   help='1 epoch, 20 images per class, seed 0, teachers '
                   'trained the same way: a smoke test of the whole path; '
                   'flags given explicitly (--seeds, --epochs, --teachers, '
                   '...) are kept')
    return p.parse_args(argv)


def _names(args: argparse.Namespace):
    """Pairs and methods of the grid the flags select."""
    grid = find_bench_configs(args.bench_dir)
    pairs = sorted({f'{c.teacher}_{c.student}' for c in grid if c.student})
    methods = [c.method for c in grid if c.student]
    methods = sorted(set(methods), key=methods.index)
    chosen_pairs = pairs if args.pairs == ['all'] else args.pairs
    chosen_methods = methods if args.methods == ['all'] else args.methods
    for name in chosen_pairs:
        if name not in pairs:
            raise UserError(f'--pairs: {name!r} is not a pair of '
                            f'{args.bench_dir}; pairs there: {pairs}')
    for name in chosen_methods:
        if name not in methods:
            raise UserError(f'--methods: {name!r} is not a method of '
                            f'{args.bench_dir}; methods there: {methods}')
    return ([tuple(p.split('_', 1)) for p in chosen_pairs],
            list(dict.fromkeys(chosen_methods)))


def check_args(args: argparse.Namespace) -> None:
    """Reject values that would fail late or mean nothing.

    Raises:
        UserError: Naming the flag, the value and what is allowed.
    """
    for flag in ('epochs', 'teacher_epochs', 'jobs', 'threads',
                 'train_per_class', 'teacher_train_per_class'):
        value = getattr(args, flag)
        if value is not None and value < 1:
            raise UserError(f'--{flag.replace("_", "-")} must be >= 1, got '
                            f'{value}')
    negative = [s for s in args.seeds if s < 0]
    if negative:
        raise UserError(f'--seeds must be >= 0, got {negative}')
    repeated = sorted({s for s in args.seeds if args.seeds.count(s) > 1})
    if repeated:
        raise UserError(f'--seeds must be unique, got {repeated} more than '
                        'once')
    if osp.exists(args.work_dir) and not osp.isdir(args.work_dir):
        raise UserError(f'--work-dir {args.work_dir} is a file, not a folder')
    if args.dataset == 'folder':
        if args.data_root:
            raise UserError('--data-root is for --dataset cifar10/cifar100; '
                            'class folders take --train-root and --test-root')
        for flag in ('train_root', 'test_root'):
            root = getattr(args, flag)
            if root is not None and not osp.isdir(root):
                raise UserError(f'--{flag.replace("_", "-")} {root} is not a '
                                'folder')
    else:
        if args.train_root or args.test_root:
            raise UserError(f'--dataset {args.dataset} reads --data-root; '
                            '--train-root/--test-root are for class folders')
        if not args.data_root:
            raise UserError(f'--dataset {args.dataset} needs --data-root DIR '
                            '(mmpretrain downloads it there when missing)')
    if args.device == 'cuda':
        import torch
        if not torch.cuda.is_available():
            raise UserError('--device cuda: torch sees no GPU')
        if args.jobs > torch.cuda.device_count():
            raise UserError(f'--jobs {args.jobs} > the '
                            f'{torch.cuda.device_count()} GPUs (one each)')
    elif args.jobs * args.threads > (os.cpu_count() or 1):
        print(f'kd_bench: warning: --jobs {args.jobs} x --threads '
              f'{args.threads} > {os.cpu_count()} CPU cores; runs will be '
              'slower, not different', file=sys.stderr)


def options(args: argparse.Namespace,
            argv: Optional[Sequence[str]] = None) -> BenchOptions:
    """The benchmark options of checked ``args``."""
    pairs, methods = _names(args)
    data = DataChoice(
        dataset=args.dataset,
        data_root=osp.abspath(args.data_root) if args.data_root else None,
        train_root=osp.abspath(args.train_root) if args.train_root else None,
        test_root=osp.abspath(args.test_root) if args.test_root else None)
    argv = sys.argv[1:] if argv is None else list(argv)
    return BenchOptions(
        bench_dir=args.bench_dir, work_dir=args.work_dir, data=data,
        pairs=pairs, methods=methods, seeds=list(args.seeds),
        train_per_class=args.train_per_class,
        teacher_train_per_class=args.teacher_train_per_class,
        epochs=args.epochs, teacher_epochs=args.teacher_epochs,
        teachers=args.teachers, jobs=args.jobs,
        threads=args.threads, cpu_isa=args.cpu_isa, device=args.device,
        verbose=args.verbose, cfg_options=args.cfg_options,
        command=shlex.join(['python', 'tools/benchmark/kd_bench.py'] + argv))


def apply_defaults(args: argparse.Namespace) -> None:
    """Fill the flags the command line left out; never override one given.

    ``--quick`` fills :data:`QUICK` (and ``--teachers train``) only where
    the flag was not given; otherwise ``--seeds 0 1 2``, ``--teachers
    auto``, and the configs' own epochs and image counts.
    """
    if args.quick:
        for key, value in QUICK.items():
            if getattr(args, key) is None:
                setattr(args, key, value)
    if args.seeds is None:
        args.seeds = list(DEFAULT_SEEDS)
    if args.teachers is None:
        args.teachers = 'train' if args.quick else 'auto'


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Run the benchmark and write its table and plots."""
    with exit_on_user_error():  # bad --cfg-options items too
        args = parse_args(argv)
        apply_defaults(args)
        check_args(args)
        run(options(args, argv))


def run(opts: BenchOptions) -> None:
    """Run the benchmark of ``opts``; print the table."""
    numerics = pin_cpu_numerics(opts.threads, opts.cpu_isa)
    start = time.perf_counter()
    bench = Benchmark(opts, numerics)
    bench.run()
    report = write_report(load_results(opts.work_dir), opts.work_dir,
                          current=bench.settings_id,
                          bench_dir=opts.bench_dir)
    print('\n' + report['markdown'])
    for weak in report['weak_teachers']:
        print(f'{weak} (a teacher should beat its students from scratch '
              'by 5 points; see --teacher-epochs)')
    if report['smoke']:
        print('This was a smoke test (--quick): accuracies mean nothing.')
    print(f'Total wall time {time.perf_counter() - start:.0f} s '
          f'({bench.reused} rows reused). Outputs: {report["table"]}, '
          f'{report["top1_plot"]}, {", ".join(report["curves_plots"])}, '
          f'{opts.work_dir}/results.json')


if __name__ == '__main__':
    main()
