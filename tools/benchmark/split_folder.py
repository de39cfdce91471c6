"""Carve a validation split out of a ``root/<class>/<image>`` folder.

Moves (or copies) the last ``N`` images of every class, in sorted file-name
order, from ``SRC/<class>/`` to ``DST/<class>/``; the rest stay in ``SRC``.
The split is deterministic and refuses to run twice into a non-empty
destination class folder, so it cannot silently shrink the training set.

Example (CIFAR-10 JPEGs: 4,500 train + 500 val images per class)::

    mkdir -p data/cifar10-jpeg
    tar -xzf ../shared/datasets/cifar10-train-jpeg.tar.gz -C data/cifar10-jpeg
    python tools/benchmark/split_folder.py data/cifar10-jpeg/train \\
        data/cifar10-jpeg/val --num-per-class 500
"""
from __future__ import annotations

import argparse
import os
import os.path as osp
import shutil
from typing import Dict, Optional, Sequence

IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.ppm', '.bmp', '.pgm', '.tif')


def split_folder(src: str, dst: str, num_per_class: int,
                 copy: bool = False) -> Dict[str, int]:
    """Move the last ``num_per_class`` images of each class to ``dst``.

    Args:
        src (str): Folder with one sub-folder per class.
        dst (str): Destination root; ``dst/<class>/`` is created.
        num_per_class (int): Images per class to move (>= 1).
        copy (bool): Copy instead of move. Defaults to False.

    Returns:
        dict: Class name -> number of images now in ``dst/<class>``.

    Raises:
        ValueError: On a bad count, a class with too few images, or a
            non-empty destination class folder.
    """
    if num_per_class < 1:
        raise ValueError(f'--num-per-class must be >= 1, got {num_per_class}')
    classes = sorted(d for d in os.listdir(src)
                     if osp.isdir(osp.join(src, d)))
    if not classes:
        raise ValueError(f'{src!r} has no class sub-folders')
    plan = {}
    for cls in classes:
        files = sorted(f for f in os.listdir(osp.join(src, cls))
                       if f.lower().endswith(IMAGE_EXTENSIONS))
        if len(files) <= num_per_class:
            raise ValueError(
                f'class {cls!r} has {len(files)} images in {src!r}; cannot '
                f'move {num_per_class} and keep any for training')
        out = osp.join(dst, cls)
        if osp.isdir(out) and os.listdir(out):
            raise ValueError(f'{out!r} is not empty: the folder was already '
                             'split (remove it to split again)')
        plan[cls] = files[-num_per_class:]
    transfer = shutil.copy2 if copy else shutil.move
    for cls, files in plan.items():
        os.makedirs(osp.join(dst, cls), exist_ok=True)
        for name in files:
            transfer(osp.join(src, cls, name), osp.join(dst, cls, name))
    return {cls: len(files) for cls, files in plan.items()}


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface of this tool."""
    parser = argparse.ArgumentParser(
        description='Move the last N images of every class of SRC to DST.')
    parser.add_argument('src', help='folder of class sub-folders')
    parser.add_argument('dst', help='destination root (created)')
    parser.add_argument('--num-per-class', type=int, default=500,
                        help='images per class to move (default: 500)')
    parser.add_argument('--copy', action='store_true',
                        help='copy instead of move')
    return parser


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Command-line entry point."""
    args = build_parser().parse_args(argv)
    counts = split_folder(args.src, args.dst, args.num_per_class, args.copy)
    print(f'{"copied" if args.copy else "moved"} {sum(counts.values())} '
          f'images ({args.num_per_class} per class, {len(counts)} classes) '
          f'from {args.src} to {args.dst}')


if __name__ == '__main__':
    main()
