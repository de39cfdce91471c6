"""Train (distil) a model from a config: the OpenMMLab ``tools/train.py``.

Examples:
    python tools/train.py CONFIG [--work-dir DIR] [--amp] [--resume [PATH]]
        [--auto-scale-lr] [--no-validate] [--no-pin-memory]
        [--no-persistent-workers] [--load-non-strict]
        [--vis-backend tensorboard wandb]
        [--cfg-options KEY=VALUE ...]
    bash tools/dist_train.sh CONFIG 8     # 8 GPUs, or 8 CPU processes
"""
import argparse
from typing import Optional, Sequence

import lfcc_mm  # noqa: F401 - compat shims must come before mmrazor
from lfcc_mm.cli.runner import (add_common_args, add_train_args, load_config,
                             parse_args, run)
from lfcc_mm.cli import exit_on_user_error


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface of this tool."""
    parser = argparse.ArgumentParser(description='Train a model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from PATH; without PATH (or "auto"), from the latest '
        'checkpoint in the work directory')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='mixed precision: fp16 with dynamic loss scaling on CUDA, '
        'bf16 autocast on CPU')
    add_train_args(parser)
    add_common_args(parser)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Run the tool; ``argv`` defaults to the command line."""
    with exit_on_user_error():  # bad --cfg-options items too
        args = parse_args(build_parser(), argv)
        run(load_config(args, 'train'), 'train',
            strict_load=not args.load_non_strict)


if __name__ == '__main__':
    main()
