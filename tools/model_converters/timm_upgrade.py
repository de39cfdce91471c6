"""Convert an older timm checkpoint (e.g. OFA-KD's teachers) to today's timm.

OFA-KD's CIFAR-100 teachers were saved by timm 0.6.5. This tool reads one
(``state_dict`` / ``model`` entry or a plain state dict), maps its keys to the
installed timm's layout with timm's own ``checkpoint_filter_fn``, checks the
result strictly against ``timm.create_model(MODEL, num_classes=N, ...)`` and
writes ``{'state_dict': ..., 'meta': ...}``, which a config's
``teacher_ckpt`` (teacher type ``mmpretrain.TimmClassifier``) loads strictly:

    python tools/model_converters/timm_upgrade.py \
        swin_tiny_patch4_window7_224_cifar100.pth \
        checkpoints/ofa_cifar100/swin_tiny_patch4_window7_224_cifar100.pth \
        --model swin_tiny_patch4_window7_224 --num-classes 100

Needs timm (``pip install -e .[timm]``). The source file is never modified;
the destination is written to a temporary file first and renamed into place
only when complete.
"""
import argparse
import os.path as osp
from typing import Optional, Sequence

from mmengine.config import DictAction

from lfcc_mm.models.timm_checkpoint import (read_timm_checkpoint,
                                            upgrade_timm_state_dict)
from lfcc_mm.cli import UserError, exit_on_user_error
from lfcc_mm.cli.config_checks import check_writable
from lfcc_mm.fileio import torch_save_atomic


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Map an older timm checkpoint to the installed timm, '
        'strictly')
    parser.add_argument('src', help='checkpoint saved by an older timm (in)')
    parser.add_argument('dst', help='checkpoint for teacher_ckpt (out)')
    parser.add_argument(
        '--model', required=True,
        help='timm model name, e.g. swin_tiny_patch4_window7_224')
    parser.add_argument('--num-classes', type=int, required=True,
                        help='classes of the checkpoint (100 for CIFAR-100)')
    parser.add_argument(
        '--model-args', nargs='+', action=DictAction, default={},
        help='extra timm.create_model arguments, e.g. img_size=224')
    parser.add_argument('--use-ema', action='store_true',
                        help='take the EMA weights (state_dict_ema)')
    return parser.parse_args(argv)


def convert(args: argparse.Namespace) -> int:
    """Convert ``args.src`` into ``args.dst``; return the tensor count."""
    if osp.abspath(args.src) == osp.abspath(args.dst):
        raise UserError(
            f'dst {args.dst!r} is the source; choose another path')
    if osp.isdir(args.dst):
        raise UserError(
            f'dst {args.dst!r} is a folder; give the converted checkpoint a '
            f'file name, e.g. {osp.join(args.dst, "teacher.pth")!r}')
    check_writable(args.dst, 'dst', folder=False)
    try:
        import timm
    except ImportError:
        raise UserError('timm is not installed; run pip install -e .[timm]'
                        ) from None
    state = read_timm_checkpoint(args.src, use_ema=args.use_ema)
    try:
        model = timm.create_model(
            args.model, num_classes=args.num_classes, **args.model_args)
    except RuntimeError as err:  # unknown model name
        raise UserError(f'--model {args.model!r}: {err}') from None
    out = upgrade_timm_state_dict(state, model, source=repr(args.src))
    model.load_state_dict(out, strict=True)  # the check, done for real
    meta = dict(
        converted_from=osp.abspath(args.src),
        timm_model=args.model,
        num_classes=args.num_classes,
        model_args=dict(args.model_args),
        timm_version=timm.__version__)
    try:  # the temporary file is removed on any failure
        torch_save_atomic({'state_dict': out, 'meta': meta}, args.dst)
    except OSError as err:
        raise UserError(f'dst {args.dst!r} could not be written: '
                        f'{err.strerror or err}; nothing was left there'
                        ) from err
    return len(out)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Run the tool; ``argv`` defaults to the command line."""
    with exit_on_user_error():
        args = parse_args(argv)
        n = convert(args)
    print(f'saved {n} tensors for timm {args.model!r} to {args.dst}')


if __name__ == '__main__':
    main()
