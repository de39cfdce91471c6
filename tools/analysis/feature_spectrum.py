"""See what LFCC aligns: frequency content and CKA of tapped features.

For every stage an LFCC config taps (one per distillation loss), on a few
hundred images of an image folder, this tool writes to ``--work-dir``:

- ``spectra.png``: per stage, the radially averaged DCT power spectrum of
  the teacher and of every student checkpoint (overlaid), with the share of
  energy below the largest connector scale in the legend;
- ``cka_<label>.png`` per student: linear CKA with the teacher, stage x
  (raw, and after each low-pass scale);
- ``spectrum.json``: all the numbers (see
  :meth:`lfcc_bench.analysis.FeatureSpectrumAnalyzer.run`);

and prints a short table. Example (scratch vs LFCC student of one config)::

    python tools/analysis/feature_spectrum.py configs/lfcc/vit_res18_in1k.py \\
        --data data/imagenet/val --teacher-ckpt vit.pth \\
        --student-ckpt scratch.pth lfcc.pth --labels scratch LFCC \\
        --work-dir work_dirs/spectrum
"""
from __future__ import annotations

import argparse
import json
import os
import os.path as osp
import re
import warnings
from typing import List, Optional, Sequence, Tuple

import sys
# lfcc_bench (benchmark tooling) lives in the checkout, not in the install
sys.path.insert(0, osp.abspath(osp.join(osp.dirname(__file__), '..', '..')))

import lfcc_mm  # noqa: F401  (compat shims before mmrazor)
import torch
from mmengine.registry import init_default_scope
from mmrazor.registry import MODELS

from lfcc_bench.analysis import FeatureSpectrumAnalyzer, build_image_folder_loader
from lfcc_bench.analysis.report import format_table, plot_cka, plot_spectra
from lfcc_mm.cli.runner import (CFG_OPTIONS_HELP, CfgOptionsAction,
                               load_cfg_file, merge_cfg_options)
from lfcc_mm.cli.config_checks import check_work_dir, describe_registry_miss
from lfcc_mm.cli import UserError, exit_on_user_error

# The fewest images linear CKA accepts (lfcc_bench.analysis.cka.linear_cka):
# the debiased HSIC estimator divides by (n - 3).
CKA_MIN_IMAGES = dict(debiased=4, biased=2)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse the command line.

    Args:
        argv (Sequence[str], optional): Arguments; ``sys.argv[1:]`` if None.

    Returns:
        argparse.Namespace: The parsed arguments.
    """
    parser = argparse.ArgumentParser(
        description='Spectra and CKA of the teacher/student features an '
        'LFCC config taps.')
    parser.add_argument('config', help='LFCC distillation config file')
    parser.add_argument(
        '--data', required=True,
        help='image folder with class subfolders, ROOT/<class>/<image>')
    parser.add_argument(
        '--teacher-ckpt',
        help='teacher weights (default: the config\'s teacher_ckpt)')
    parser.add_argument(
        '--student-ckpt', nargs='+', default=[], metavar='PATH',
        help='student checkpoints: distillation checkpoints (architecture.* '
        'keys) or plain student checkpoints; overlaid in the plots. '
        'Default: the randomly initialised student')
    parser.add_argument(
        '--labels', nargs='+', metavar='NAME',
        help='one label per --student-ckpt (default: file names)')
    parser.add_argument(
        '--num-images', type=int, default=256,
        help='images analysed, evenly spread over the folder (at least '
        f'{CKA_MIN_IMAGES["debiased"]}, or {CKA_MIN_IMAGES["biased"]} with '
        '--biased-cka)')
    parser.add_argument('--batch-size', type=int, default=32)
    parser.add_argument(
        '--work-dir', default=None,
        help='output folder (default: work_dirs/feature_spectrum/<config>)')
    parser.add_argument(
        '--biased-cka', action='store_true',
        help='report the standard (biased) linear CKA instead of the '
        'debiased estimator; it is inflated when C*H*W >> --num-images')
    parser.add_argument(
        '--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument(
        '--cfg-options', nargs='+', action=CfgOptionsAction,
        help=CFG_OPTIONS_HELP)
    args = parser.parse_args(argv)
    if args.labels is not None and len(args.labels) != len(args.student_ckpt):
        parser.error(f'--labels has {len(args.labels)} names for '
                     f'{len(args.student_ckpt)} --student-ckpt paths')
    return args


def check_args(args: argparse.Namespace) -> None:
    """Check the paths and counts before any model is built.

    Args:
        args (argparse.Namespace): From :func:`parse_args`.

    Raises:
        UserError: Naming the option and what is wrong with it.
    """
    estimator = 'biased' if args.biased_cka else 'debiased'
    if args.num_images < CKA_MIN_IMAGES[estimator]:
        raise UserError(
            f'--num-images {args.num_images}: the {estimator} CKA needs at '
            f'least {CKA_MIN_IMAGES[estimator]} images (a few hundred give '
            f'stable numbers)')
    if args.batch_size < 1:
        raise UserError(f'--batch-size must be >= 1, got {args.batch_size}')
    if not osp.isdir(args.data):
        raise UserError(f'--data {args.data!r} is not a folder (cwd: '
                        f'{osp.abspath(".")})')
    for flag, paths in (('--teacher-ckpt', [args.teacher_ckpt]),
                        ('--student-ckpt', args.student_ckpt)):
        for path in paths:
            if path is not None and not osp.isfile(path):
                raise UserError(f'{flag} {path!r} does not exist (cwd: '
                                f'{osp.abspath(".")})')
    if args.work_dir is not None:
        check_work_dir(args.work_dir)


def student_runs(
        checkpoints: List[str],
        labels: Optional[List[str]]) -> List[Tuple[str, Optional[str]]]:
    """Pair each student checkpoint with its label.

    Args:
        checkpoints (list[str]): Checkpoint paths (may be empty).
        labels (list[str], optional): Labels, one per checkpoint.

    Returns:
        list[tuple[str, str | None]]: ``(label, path)``; ``[('init', None)]``
        when no checkpoint is given.
    """
    if not checkpoints:
        return [('init', None)]
    if labels is None:
        labels = [osp.splitext(osp.basename(p))[0] for p in checkpoints]
        if len(set(labels)) != len(labels):  # e.g. several 'epoch_100'
            labels = [osp.basename(osp.dirname(osp.abspath(p))) + '/' + name
                      for p, name in zip(checkpoints, labels)]
    return list(zip(labels, checkpoints))


def main(argv: Optional[Sequence[str]] = None) -> dict:
    """Run the analysis and write the plots, the JSON and the table.

    Args:
        argv (Sequence[str], optional): Command-line arguments.

    Returns:
        dict: The analysis result, as written to ``spectrum.json``.

    Raises:
        UserError: A mistake in the options, the config or the data, before
            any model runs where it can be seen then (one line and exit
            code 2 when run as a script).
    """
    args = parse_args(argv)
    check_args(args)
    cfg = load_cfg_file(args.config)
    merge_cfg_options(cfg, args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmrazor'))
    if args.teacher_ckpt:
        cfg.model.teacher_ckpt = args.teacher_ckpt
    elif not cfg.model.get('teacher_ckpt'):
        warnings.warn('No --teacher-ckpt and no teacher_ckpt in the config: '
                      'the teacher has random weights.')
    work_dir = args.work_dir or osp.join(
        'work_dirs', 'feature_spectrum',
        osp.splitext(osp.basename(args.config))[0])
    check_work_dir(work_dir)

    # The images first: a folder with too few of them fails before any
    # model is built.
    try:
        loader = build_image_folder_loader(cfg, args.data, args.num_images,
                                           args.batch_size)
    except KeyError as err:  # no evaluation pipeline, unknown transform
        text = err.args[0] if err.args else err
        raise UserError(f'{args.config}: {text}') from err
    estimator = 'biased' if args.biased_cka else 'debiased'
    if len(loader.dataset) < CKA_MIN_IMAGES[estimator]:
        raise UserError(
            f'--data {args.data!r} holds {len(loader.dataset)} images; the '
            f'{estimator} CKA needs at least {CKA_MIN_IMAGES[estimator]}')
    os.makedirs(work_dir, exist_ok=True)

    # As the Runner does: a top-level data_preprocessor (mmpretrain style)
    # is the model's, so images are normalised as in training.
    if cfg.get('data_preprocessor'):
        cfg.model.setdefault('data_preprocessor', cfg.data_preprocessor)
    try:
        algorithm = MODELS.build(cfg.model).to(args.device)
    except KeyError as err:  # a misspelt component name
        message = describe_registry_miss(err, cfg)
        if message is None:
            raise
        raise UserError(message) from err
    runs = student_runs(args.student_ckpt, args.labels)
    result = FeatureSpectrumAnalyzer(
        algorithm, loader, debiased_cka=not args.biased_cka).run(runs)
    result.update(config=args.config, data=args.data,
                  teacher_ckpt=cfg.model.get('teacher_ckpt'))

    with open(osp.join(work_dir, 'spectrum.json'), 'w') as f:
        json.dump(result, f, indent=2)
    plot_spectra(result, osp.join(work_dir, 'spectra.png'))
    for label in result['students']:
        safe = re.sub(r'[^A-Za-z0-9_.-]+', '_', label)
        plot_cka(result, label, osp.join(work_dir, f'cka_{safe}.png'))
    print(format_table(result))
    print(f'Wrote spectra.png, cka_*.png and spectrum.json to {work_dir}')
    return result


if __name__ == '__main__':
    with exit_on_user_error():
        main()
