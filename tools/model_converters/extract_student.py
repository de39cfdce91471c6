"""Export the student of a distillation checkpoint as a plain model checkpoint.

Keeps the ``architecture.*`` weights without their prefix and drops the
teacher (if the checkpoint holds it), the distiller (connectors, learnable
temperatures), the algorithm's data preprocessor and the training state
(optimizer, schedulers, message hub). The result loads strictly into the
student config's model, e.g. the plain mmpretrain ``ImageClassifier``:

    python tools/model_converters/extract_student.py \
        work_dirs/lfcc_x/iter_1000.pth student.pth

With ``--plain``, the checkpoint of a plain model (e.g. a teacher trained
by ``tools/train.py``) keeps all its weights and loses only the training
state: that is how the benchmark's shipped teacher weights were made.

The source is read with torch's weights-only loader and never overwritten;
the destination is written to a temporary file and renamed into place, so
an interrupted export leaves no torn file.
"""
import argparse
import glob
import os.path as osp
from typing import Any, Optional, Sequence, Tuple

import lfcc_mm  # noqa: F401 - allow-lists mmengine types for torch.load
from lfcc_mm.checkpoint import (dropped_key_groups,
                                is_distillation_state_dict,
                                load_checkpoint_file,
                                save_atomic, state_dict_of,
                                student_state_dict)
from lfcc_mm.cli import UserError, exit_on_user_error
from lfcc_mm.cli.config_checks import check_writable

# Checkpoint meta worth keeping: class names and where the weights came from.
KEPT_META = ('dataset_meta', 'epoch', 'iter', 'seed', 'experiment_name',
             'mmengine_version')


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Keep only the student of a distillation checkpoint')
    parser.add_argument('src', help='distillation checkpoint (in)')
    parser.add_argument('dst', help='student checkpoint (out, a file path)')
    parser.add_argument(
        '--plain', action='store_true',
        help='src is a plain model (no teacher, no distiller): keep all its '
        'weights, drop only the training state')
    parser.add_argument(
        '--config',
        help='the config src was trained with, to write the student config '
        'beside dst (default: the one .py config in src\'s folder, which the '
        'Runner dumps into its work dir)')
    parser.add_argument(
        '--no-config', action='store_true',
        help='do not write the student config beside dst')
    return parser.parse_args(argv)


def find_run_config(src: str) -> Optional[str]:
    """The config the Runner dumped into ``src``'s work dir, if just one.

    Args:
        src (str): A checkpoint in a work dir.

    Returns:
        str | None: The ``.py`` file, or None when there is none or several.
    """
    found = sorted(glob.glob(osp.join(osp.dirname(osp.abspath(src)),
                                      '*.py')))
    return found[0] if len(found) == 1 else None


def config_path_of(dst: str, config: str) -> str:
    """``<dst without extension>.py``; refuses to overwrite ``config``.

    Args:
        dst (str): The student checkpoint.
        config (str): The distillation config read.

    Returns:
        str: Where the student config goes.

    Raises:
        UserError: The path is ``dst`` itself or the distillation config.
    """
    out = osp.splitext(dst)[0] + '.py'
    if osp.abspath(out) in (osp.abspath(dst), osp.abspath(config)):
        raise UserError(
            f'the student config would overwrite {out!r}; give the student '
            'checkpoint another name (e.g. student.pth)')
    return out


def check_config(args: argparse.Namespace,
                 student: dict) -> Optional[Tuple[Any, str, str]]:
    """The student config to write beside ``args.dst``, once weights fit.

    Args:
        args (argparse.Namespace): ``src``, ``dst``, ``config``.
        student (dict): The exported state dict.

    Returns:
        tuple | None: The student config, where it goes and the config it
        was derived from; None when no config was found.

    Raises:
        UserError: A missing ``--config``, or weights that do not fit its
            student (missing / unexpected / mis-shaped keys).
    """
    from mmpretrain.apis import get_model

    from lfcc_mm.apis import student_config
    from lfcc_mm.checkpoint import load_weights
    config = args.config or find_run_config(args.src)
    if config is None:
        return None
    if not osp.isfile(config):
        raise UserError(f'--config {config!r} does not exist')
    out = config_path_of(args.dst, config)
    cfg = student_config(config)
    load_weights(get_model(cfg, pretrained=False), student,
                 f'student of {args.src!r}',
                 hint=f'Pass the config {args.src!r} was trained with as '
                 '--config (or --no-config)')
    return cfg, out, config


def check_paths(src: str, dst: str) -> None:
    """Refuse a missing source, a folder as destination, or dst == src.

    Args:
        src (str): The distillation checkpoint.
        dst (str): The student checkpoint to write.

    Raises:
        UserError: Naming the offending path.
    """
    if not osp.isfile(src):
        raise UserError(f'checkpoint {src!r} does not exist')
    if osp.isdir(dst):
        raise UserError(
            f'destination {dst!r} is a folder; give the student checkpoint '
            f'a file name, e.g. {osp.join(dst, "student.pth")!r}')
    check_writable(dst, 'destination', folder=False)
    if osp.abspath(src) == osp.abspath(dst) or (
            osp.exists(dst) and osp.samefile(src, dst)):
        raise UserError(
            f'destination {dst!r} is the source checkpoint {src!r}; '
            'choose another file name (the source is never overwritten)')


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Run the tool; ``argv`` defaults to the command line."""
    args = parse_args(argv)
    with exit_on_user_error():
        check_paths(args.src, args.dst)
        ckpt = load_checkpoint_file(args.src)
        state = state_dict_of(ckpt, f'checkpoint {args.src!r}')
        if args.plain and is_distillation_state_dict(state):
            raise UserError(f'--plain: {args.src!r} is a distillation '
                            'checkpoint; leave out --plain to extract its '
                            'student')
        student = dict(state) if args.plain else student_state_dict(state)
        meta = ckpt.get('meta', {}) if isinstance(ckpt, dict) else {}
        meta = {k: v for k, v in meta.items() if k in KEPT_META}
        meta['extracted_from'] = osp.abspath(args.src)
        plan = None if args.no_config else check_config(args, student)
        save_atomic({'state_dict': student, 'meta': meta}, args.dst)
        config = None
        if plan is not None:
            from lfcc_mm.apis import write_student_config
            config = write_student_config(plan[0], plan[1], source=plan[2])
    dropped = '' if args.plain else ', '.join(
        f'{n} {g}.*' for g, n in sorted(dropped_key_groups(state).items()))
    kind = 'model' if args.plain else 'student'
    print(f'saved {len(student)} {kind} tensors to {args.dst} '
          f'(dropped {dropped or "nothing"}; optimizer and message hub '
          'are not copied)')
    if config is not None:
        print(f'wrote its config {config}: test with tools/test.py {config} '
              f'{args.dst}; infer with lfcc_mm.apis.init_student({config!r}, '
              f'{args.dst!r}) (or mmpretrain.apis.init_model)')
    elif not args.no_config:
        print(f'no config written (none found beside {args.src}): pass '
              '--config DISTILL_CONFIG to write the student config, or use '
              f'lfcc_mm.apis.init_student(DISTILL_CONFIG, {args.dst!r})')


if __name__ == '__main__':
    main()
