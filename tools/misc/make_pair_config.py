"""Write a distillation config for a new teacher -> student pair.

Both models are built (no weights) and run once on a ``(1, 3, S, S)`` image;
the taps are chosen by the rules of ``lfcc_mm/taps.py`` (stages matched by
stride, isotropic models at fixed depth fractions), layout, extra tokens and
channels are read from the outputs, and a config of the same shape as the
shipped pair configs (recipe of the student's family + method base from
``configs/_base_``) is written, with the shapes seen as comments. Models:
an mmpretrain model name (``mmpretrain.list_models()``), ``timm:<name>`` or
an mmpretrain config. Existing files are never overwritten without
``--force``. Examples::

    python tools/misc/make_pair_config.py timm:convnext_atto \\
        deit-tiny_4xb256_in1k --method lfcc lfcc-kd
    python tools/misc/make_pair_config.py swin-tiny_16xb64_in1k \\
        timm:regnetx_002 --method all --out-dir configs/generated

Then train it like any config: ``python tools/train.py <written config>``.
"""
from __future__ import annotations

import argparse
import os.path as osp
import sys
from typing import List, Optional, Sequence

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(
    __file__)))))  # run from any folder without an install

import lfcc_mm  # noqa: E402,F401  (compat shims before mmrazor)
from lfcc_mm import taps  # noqa: E402
from lfcc_mm.utils.user_errors import (UserError,  # noqa: E402
                                       exit_on_user_error)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description='Write an LFCC / LFCC+KD / KD / OFA-KD config for a '
        'teacher -> student pair, taps found by a dry forward.')
    parser.add_argument('teacher', help="mmpretrain model name, "
                        "'timm:<name>' or an mmpretrain config")
    parser.add_argument('student', help='same forms as the teacher')
    parser.add_argument(
        '--method', nargs='+', default=['lfcc'],
        help=f'one or more of {", ".join(taps.METHODS)}, or all '
        '(default: lfcc)')
    parser.add_argument(
        '--out-dir', default=taps.DEFAULT_OUT_DIR,
        help='folder of the written configs (default: configs/generated)')
    parser.add_argument(
        '--input-size', type=int, default=224,
        help='side of the dry-forward image: the training crop (default '
        '224, the crop of the ImageNet-1K recipes the configs inherit)')
    parser.add_argument('--force', action='store_true',
                        help='overwrite configs that exist')
    return parser.parse_args(argv)


def check_methods(methods: Sequence[str]) -> List[str]:
    """Expand ``all`` and refuse unknown names (one line)."""
    if 'all' in methods:
        return list(taps.METHODS)
    unknown = [m for m in methods if m not in taps.METHODS]
    if unknown:
        raise UserError(f'--method {" ".join(unknown)}: unknown; choose from '
                        f'{", ".join(taps.METHODS)} or all')
    return list(dict.fromkeys(methods))


def main(argv: Optional[Sequence[str]] = None) -> List[str]:
    """Entry point; returns the paths written."""
    with exit_on_user_error():
        args = parse_args(argv)
        methods = check_methods(args.method)
        out_dir = osp.abspath(args.out_dir)
        teacher = taps.probe_model(args.teacher, 'teacher', args.input_size)
        student = taps.probe_model(args.student, 'student', args.input_size)
        # Check every target before writing any.
        for method in methods:
            path = osp.join(out_dir, taps.config_name(method, teacher,
                                                      student))
            if osp.exists(path) and not args.force:
                raise UserError(f'{path} exists; pass --force to overwrite '
                                'it or --out-dir to write elsewhere')
        texts = {m: taps.pair_config_text(teacher, student, m, out_dir)
                 for m in methods}
        written = [
            taps.write_pair_config(teacher, student, m, out_dir, force=True,
                                   text=texts[m]) for m in methods
        ]
        for path in written:
            print(f'wrote {path}')
        return written


if __name__ == '__main__':
    main()
