"""Parameters and FLOPs of a config's model, and what distillation adds.

For a distillation config: the student (what is deployed), the teacher (an
inference-only cost at every training step) and each connector / branch /
parameterised loss of the distiller (training only), as a Markdown table
with totals. For a plain config: the model. The counting rules are those of
:mod:`lfcc_bench.analysis.complexity` (mmengine.analysis, one image,
random weights). Examples::

    python tools/analysis/get_flops.py configs/lfcc/vit_res18_in1k.py
    python tools/analysis/get_flops.py \\
        configs/benchmark/cifar10/ofa_vit-s_res18-w16_cifar10.py --shape 32
    python tools/analysis/get_flops.py CONFIG --out cost.json
"""
from __future__ import annotations

import argparse
import os.path as osp
import sys
from dataclasses import asdict
from typing import Optional, Sequence

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(
    __file__)))))  # run from any folder without an install

import lfcc_mm  # noqa: E402,F401  (compat shims before mmrazor)
from lfcc_bench.analysis.complexity import (complexity,  # noqa: E402
                                            format_table)
from lfcc_mm.apis.student import load_any_config  # noqa: E402
from lfcc_mm.cli import UserError, exit_on_user_error  # noqa: E402
from lfcc_mm.cli.runner import (CFG_OPTIONS_HELP,  # noqa: E402
                                CfgOptionsAction, merge_cfg_options)
from lfcc_mm.fileio import write_json_atomic  # noqa: E402


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description='Params and FLOPs of the student, the teacher and the '
        'distillation extras of a config')
    parser.add_argument('config', help='config file (or mmpretrain::...)')
    parser.add_argument(
        '--shape', type=int, nargs='+',
        help='input side, or height and width (default: the test '
        "pipeline's crop, else the backbone's img_size, else 224)")
    parser.add_argument('--out', help='also write the numbers to this .json')
    parser.add_argument('--cfg-options', nargs='+', action=CfgOptionsAction,
                        help=CFG_OPTIONS_HELP)
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> str:
    """Print (and optionally write) the cost table; return its text."""
    with exit_on_user_error():
        args = parse_args(argv)
        if args.out and not args.out.lower().endswith('.json'):
            raise UserError(f'--out {args.out!r}: the numbers are written as '
                            'JSON; end the file name with .json')
        cfg = load_any_config(args.config)
        merge_cfg_options(cfg, args.cfg_options)
        if not isinstance(cfg.get('model'), dict):
            raise UserError(f'{args.config} sets no model to count')
        result = complexity(cfg, args.shape)
        text = format_table(result)
        print(f'{args.config}\n\n{text}', end='')
        if args.out:
            write_json_atomic(args.out, dict(
                config=args.config, **asdict(result),
                extra_params=result.extra_params,
                extra_flops=result.extra_flops))
            print(f'Written: {args.out}')
    return text


if __name__ == '__main__':
    main()
