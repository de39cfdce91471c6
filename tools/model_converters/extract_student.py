"""Export the student of a distillation checkpoint as a plain model checkpoint.

Keeps the ``architecture.*`` weights without their prefix and drops the
teacher, the distiller (connectors, learnable temperatures), the algorithm's
data preprocessor and the training state (optimizer, schedulers, message
hub). The result loads strictly into the student config's model, e.g. the
plain mmpretrain ``ImageClassifier``:

    python tools/model_converters/extract_student.py \
        work_dirs/lfcc_x/iter_1000.pth student.pth
"""
import argparse
import os
import os.path as osp

import torch

import lfcc_mm  # noqa: F401 - allow-lists mmengine types for torch.load
from lfcc_mm.utils.student_export import (dropped_key_groups,
                                          extract_student_state_dict)
from lfcc_mm.utils.user_errors import UserError, exit_on_user_error

# Checkpoint meta worth keeping: class names and where the weights came from.
KEPT_META = ('dataset_meta', 'epoch', 'iter', 'seed', 'experiment_name',
             'mmengine_version')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Keep only the student of a distillation checkpoint')
    parser.add_argument('src', help='distillation checkpoint (in)')
    parser.add_argument('dst', help='student checkpoint (out)')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    with exit_on_user_error():
        if not osp.isfile(args.src):
            raise UserError(f'checkpoint {args.src!r} does not exist')
        ckpt = torch.load(args.src, map_location='cpu')
        state = ckpt.get('state_dict', ckpt)
        student = extract_student_state_dict(state)
        meta = {k: v for k, v in ckpt.get('meta', {}).items()
                if k in KEPT_META}
        meta['extracted_from'] = osp.abspath(args.src)
        os.makedirs(osp.dirname(osp.abspath(args.dst)), exist_ok=True)
        torch.save({'state_dict': student, 'meta': meta}, args.dst)
    dropped = ', '.join(f'{n} {g}.*' for g, n in
                        sorted(dropped_key_groups(state).items()))
    print(f'saved {len(student)} student tensors to {args.dst} '
          f'(dropped {dropped or "nothing"}; optimizer and message hub '
          'are not copied)')


if __name__ == '__main__':
    main()
