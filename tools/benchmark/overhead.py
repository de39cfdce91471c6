"""Overhead of distillation methods: step time and peak memory vs. the floor.

Floor = the student's training step + the teacher's forward under
``no_grad`` on the same batch, measured once per teacher -> student pair;
method = a distillation config's whole training step (KD, DKD, OFA, FitNet,
LFCC, LFCC + KD, ...; CRD needs dataset indices and is refused). Each
measurement runs in a fresh subprocess; the modes of a pair are measured
*interleaved*: ``--repeats`` rounds, each measuring every mode once in an
order rotated per round, and the table reports per mode the median over
rounds and the range of the step time. See ``lfcc_bench/overhead.py`` for
exactly what is measured.

Default (``--configs``): the big ImageNet-1K pair, DeiT-S (ViT-S/16)
teacher -> ResNet-18 student, with LFCC + KD, LFCC, KD, OFA-KD and DKD
(``configs/lfcc/lfcc-kd_deit-s_res18_8xb32_in1k.py`` and its siblings;
configs given must share one teacher and one student), batch 32, 224x224,
random weights and inputs (the cost does not depend on them). ``--pairs``
measures pairs of the CIFAR-10 benchmark grid instead: per pair the floor
and the ``{method}_{teacher}_{student}_cifar10.py`` config of each of
``--methods`` (default kd ofa lfcc lfcc_kd; ``all``: every method of the
pair but scratch and CRD), 32x32 inputs. ``--json`` keeps every raw
measurement; ``--from-json`` regenerates the table from such a file::

    python tools/benchmark/overhead.py --threads 1 --json overhead.json
    python tools/benchmark/overhead.py --threads 1 --pairs res18-w32_vit-t \\
        vit-s_res18-w16 --methods all --batch-size 64
    python tools/benchmark/overhead.py --from-json overhead.json
"""
from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Optional, Sequence

import sys
import os.path as osp
# lfcc_bench (benchmark tooling) lives in the checkout, not in the install
sys.path.insert(0, osp.abspath(osp.join(osp.dirname(__file__), '..', '..')))

import lfcc_mm  # noqa: F401  (compat shims before mmrazor; registers all)
from lfcc_bench.overhead import (BENCH_DIR, DEFAULT_CONFIGS, DEFAULT_METHODS,
                                    DEFAULT_REPEATS, Settings, config_group,
                                    machine, measurable_methods, pair_group,
                                    raw_data, run_groups, table_from_records)
from lfcc_mm.cli import UserError, exit_on_user_error
from lfcc_mm.errors import read_json
from lfcc_mm.fileio import write_json_atomic, write_text_atomic


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
                      help='distillation configs sharing one teacher and one '
                      'student (default: the DeiT-S -> ResNet-18 ImageNet-1K '
                      'configs of LFCC + KD, LFCC, KD, OFA-KD and DKD)')
    what.add_argument('--from-json', metavar='JSON',
                      help='measure nothing: print the table of the raw '
                      'measurements of an earlier --json')
    p.add_argument('--bench-dir', default=BENCH_DIR,
                   help='the benchmark grid of --pairs')
    p.add_argument('--methods', nargs='+', default=list(DEFAULT_METHODS),
                   help='methods of each pair of --pairs ("all": every '
                   'method of the pair but scratch and CRD)')
    p.add_argument('--repeats', type=int, default=DEFAULT_REPEATS,
                   help='interleaved rounds; each measures every mode once')
    p.add_argument('--batch-size', type=int, default=32)
    p.add_argument('--img-size', type=int,
                   help='input side (default: 32 for --pairs, the '
                   "benchmark's 32x32 models; 224 for --configs)")
    p.add_argument('--steps', type=int, default=5, help='timed steps')
    p.add_argument('--warmup', type=int, default=2, help='untimed steps')
    p.add_argument('--threads', type=int, default=0,
                   help='torch threads per measurement (0: torch default)')
    p.add_argument('--out', help='also write the table to this file')
    p.add_argument('--json', metavar='OUT',
                   help='write settings, machine and every raw measurement '
                   '(rewritten after each measurement)')
    return p.parse_args(argv)


def _check_flags(args: argparse.Namespace) -> None:
    """One clear line for a flag out of range."""
    for flag in ('batch_size', 'img_size', 'steps', 'repeats'):
        value = getattr(args, flag)
        if value is not None and value < 1:
            raise UserError(f'--{flag.replace("_", "-")} must be >= 1, '
                            f'got {value}')
    for flag in ('warmup', 'threads'):
        if getattr(args, flag) < 0:
            raise UserError(f'--{flag} must be >= 0, got '
                            f'{getattr(args, flag)}')
    if 'all' in args.methods and len(args.methods) > 1:
        raise UserError(f'--methods: "all" stands alone, got {args.methods}')
    if args.methods != list(DEFAULT_METHODS) and not args.pairs:
        raise UserError('--methods applies to --pairs; with --configs name '
                        'the configs themselves')


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Measure and print the table (write it with ``--out``/``--json``)."""
    args = parse_args(argv)
    with exit_on_user_error():
        if args.from_json:
            data = read_json(args.from_json, 'overhead measurements')
            try:
                notes = list(data.get('notes', ()))
                if not data.get('complete', True):
                    notes.append('Incomplete run: the measurements stop '
                                 'before the last round.')
                table = table_from_records(
                    data['measurements'], data['settings'], data['machine'],
                    notes)
            except (KeyError, TypeError, ValueError) as e:
                raise UserError(f'--from-json: {args.from_json} is not an '
                                f'overhead.py --json file ({e!r})') from None
        else:
            _check_flags(args)
            notes = []
            if args.pairs:  # validated here, not in a measuring child
                groups = [pair_group(name, args.methods, args.bench_dir)
                          for name in args.pairs]
                if args.methods == ['all']:
                    for name in args.pairs:
                        skipped = measurable_methods(name, args.bench_dir)[1]
                        if skipped:
                            notes.append(
                                f'Not measured for {name}: '
                                f'{", ".join(skipped)} (reads dataset '
                                'indices; cannot run on random inputs).')
            else:
                groups = [config_group(args.configs or DEFAULT_CONFIGS)]
            settings = Settings(
                args.batch_size, args.img_size or (32 if args.pairs else 224),
                args.steps, args.warmup, args.threads, args.repeats)
            host = machine()

            def save(records, complete=False):
                if args.json:
                    write_json_atomic(args.json, raw_data(
                        records, settings, host, groups, notes, complete))

            records = run_groups(groups, settings, on_record=save)
            save(records, complete=True)
            table = table_from_records(records, asdict(settings), host,
                                       notes)
    print(table)
    if args.out:
        write_text_atomic(args.out, table)


if __name__ == '__main__':
    main()
