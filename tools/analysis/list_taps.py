"""List the modules of a model that distillation can tap, with their layout.

One dry forward of a ``(1, 3, S, S)`` zero image (eval mode, no grad) with a
hook on every module; for every backbone module whose output is a spatial
feature it prints the module path (a recorder ``source``), its class, the
output shape and how an ``LFCCConnector`` / ``OFABranch`` reads it (layout,
channels, grid, stride, extra tokens), marks the stages (last module of each
stride) or the blocks of an isotropic model, and ends with the taps that
``tools/misc/make_pair_config.py`` would pick. Rules: ``lfcc_mm/taps.py``.
Examples::

    python tools/analysis/list_taps.py resnet18_8xb32_in1k
    python tools/analysis/list_taps.py timm:swin_tiny_patch4_window7_224 --all
    python tools/analysis/list_taps.py \\
        mmpretrain::deit/deit-tiny_4xb256_in1k.py
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
        description='List the taps (module outputs, layouts, stages) of a '
        'model for distillation configs.')
    parser.add_argument(
        'model', help="mmpretrain model name (mmpretrain.list_models()), "
        "'timm:<name>', or an mmpretrain config (mmpretrain::x/y.py or a "
        'file)')
    parser.add_argument('--input-size', type=int, default=224,
                        help='side of the dry-forward image (default 224)')
    parser.add_argument(
        '--all', action='store_true',
        help='list every spatial output, not only stages and blocks')
    return parser.parse_args(argv)


def format_listing(probe: taps.ModelProbe, show_all: bool = False) -> str:
    """The table and the default taps of one probe, as text.

    Args:
        probe (ModelProbe): From :func:`lfcc_mm.taps.probe_model`.
        show_all (bool): Every tap, not only stages and blocks.

    Returns:
        str: Printable text.
    """
    stages = {t.name for t in probe.stages}
    blocks = {t.name for t in probe.blocks}
    rows: List[List[str]] = [[
        'module (source)', 'type', 'output shape', 'layout', 'C', 'grid',
        'stride', 'extra', 'role'
    ]]
    for tap in probe.taps:
        role = ('stage' if tap.name in stages and not probe.isotropic else
                'block' if tap.name in blocks else '')
        if not (show_all or role):
            continue
        rows.append([
            tap.name, tap.module_type,
            ('tuple ' if tap.is_tuple else '') + str(tap.shape), tap.layout,
            str(tap.channels), f'{tap.grid[0]}x{tap.grid[1]}',
            f'1/{tap.stride}', str(tap.num_extra_tokens), role
        ])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ['  '.join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
             for r in rows]
    kind = ('isotropic' if probe.isotropic else 'hierarchical')
    lines += [
        '', f'{probe.spec}: {kind}, {len(probe.taps)} spatial outputs at '
        f'{probe.input_size} px; logits: {probe.logits} (input width '
        f'{probe.head_in_channels}); family: {probe.family}.'
    ]
    mid, last = taps.lfcc_side_taps(probe)
    lines.append(f'LFCC taps (alone; a pair matches strides): mid '
                 f'{mid.name} {mid.connector_args()}, last {last.name} '
                 f'{last.connector_args()}')
    try:
        ofa = [t.name for t in taps.ofa_student_taps(probe)]
        lines.append(f'OFA-KD branch taps (as student): {", ".join(ofa)}')
    except UserError as err:
        lines.append(f'OFA-KD branch taps (as student): none ({err})')
    return '\n'.join(lines)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Entry point."""
    with exit_on_user_error():
        args = parse_args(argv)
        if args.input_size < 2:
            raise UserError(
                f'--input-size must be >= 2, got {args.input_size}')
        probe = taps.probe_model(args.model, 'student', args.input_size)
        print(format_listing(probe, args.all))


if __name__ == '__main__':
    main()
