"""Evaluate a checkpoint on a config's test set (OpenMMLab ``tools/test.py``).

Examples:
    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR]
        [--out preds.pkl | --out metrics.json --out-item metrics]
        [--amp] [--no-pin-memory] [--show-dir DIR [--interval N] | --tta]
        [--cfg-options KEY=VALUE ...]
    bash tools/dist_test.sh CONFIG CHECKPOINT 8
"""
import argparse
from typing import Optional, Sequence

import lfcc_mm  # noqa: F401 - compat shims must come before mmrazor
from lfcc_mm.cli.runner import (add_common_args, add_test_args, load_config,
                             parse_args, run)
from lfcc_mm.cli import exit_on_user_error


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface of this tool."""
    parser = argparse.ArgumentParser(description='Test a checkpoint')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    add_test_args(parser)
    add_common_args(parser)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Run the tool; ``argv`` defaults to the command line."""
    with exit_on_user_error():  # bad --cfg-options items too
        args = parse_args(build_parser(), argv)
        run(load_config(args, 'test'), 'test')


if __name__ == '__main__':
    main()
