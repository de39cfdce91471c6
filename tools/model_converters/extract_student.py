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
import os.path as osp

import lfcc_mm  # noqa: F401 - allow-lists mmengine types for torch.load
from lfcc_mm.checkpoint import (dropped_key_groups,
                                is_distillation_state_dict,
                                load_checkpoint_file,
                                save_atomic, state_dict_of,
                                student_state_dict)
from lfcc_mm.cli import UserError, exit_on_user_error

# Checkpoint meta worth keeping: class names and where the weights came from.
KEPT_META = ('dataset_meta', 'epoch', 'iter', 'seed', 'experiment_name',
             'mmengine_version')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Keep only the student of a distillation checkpoint')
    parser.add_argument('src', help='distillation checkpoint (in)')
    parser.add_argument('dst', help='student checkpoint (out, a file path)')
    parser.add_argument(
        '--plain', action='store_true',
        help='src is a plain model (no teacher, no distiller): keep all its '
        'weights, drop only the training state')
    return parser.parse_args()


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
    if osp.abspath(src) == osp.abspath(dst) or (
            osp.exists(dst) and osp.samefile(src, dst)):
        raise UserError(
            f'destination {dst!r} is the source checkpoint {src!r}; '
            'choose another file name (the source is never overwritten)')


def main() -> None:
    args = parse_args()
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
        save_atomic({'state_dict': student, 'meta': meta}, args.dst)
    dropped = '' if args.plain else ', '.join(
        f'{n} {g}.*' for g, n in sorted(dropped_key_groups(state).items()))
    kind = 'model' if args.plain else 'student'
    print(f'saved {len(student)} {kind} tensors to {args.dst} '
          f'(dropped {dropped or "nothing"}; optimizer and message hub '
          'are not copied)')


if __name__ == '__main__':
    main()
