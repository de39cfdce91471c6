"""Command-line logic shared by ``tools/train.py`` and ``tools/test.py``.

One place turns ``CONFIG`` plus the OpenMMLab options into the config the
Runner is built from: load, apply ``--work-dir``/``--launcher``/``--amp``/
``--resume``/``CHECKPOINT``, merge ``--cfg-options``, adapt to a CPU-only
machine (:func:`lfcc_mm.compat.adapt_cfg_for_device`) and check the dataset
paths, so that mistakes surface as one line (see :mod:`.user_errors`).
"""
from __future__ import annotations

import argparse
import os
import os.path as osp
import torch
from mmengine.config import Config, DictAction
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from lfcc_mm.checkpoint import load_weights_from
from lfcc_mm.compat import adapt_cfg_for_device
from .config_checks import (check_data_paths, describe_registry_miss,
                            key_being_built)
from .user_errors import UserError, user_error_message

# The dataloaders each mode builds, so their paths are checked up front.
DATALOADERS = dict(
    train=('train_dataloader', 'val_dataloader'), test=('test_dataloader', ))


def add_common_args(parser: argparse.ArgumentParser) -> None:
    """Add ``--work-dir``, ``--cfg-options``, ``--launcher``, ``--local-rank``.

    Args:
        parser (argparse.ArgumentParser): The tool's parser.
    """
    parser.add_argument(
        '--work-dir',
        help='where logs and checkpoints go (default: the config\'s work_dir, '
        'else ./work_dirs/<config name>)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, key=value pairs such as '
        'train_cfg.max_iters=10 or key="[a,b]"; no spaces inside a value')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher (dist_*.sh pass pytorch, slurm_*.sh pass slurm)')
    # torch.distributed.launch passes --local-rank (torch >= 2.0) or
    # --local_rank (older); torchrun sets LOCAL_RANK instead.
    parser.add_argument('--local-rank', '--local_rank', type=int, default=0)


def parse_args(parser: argparse.ArgumentParser) -> argparse.Namespace:
    """Parse the command line and export ``LOCAL_RANK`` for mmengine.

    Args:
        parser (argparse.ArgumentParser): The tool's parser.

    Returns:
        argparse.Namespace: The parsed arguments.
    """
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def _check_file(path: str, what: str) -> None:
    if not osp.isfile(path):
        raise UserError(f'{what} {path!r} does not exist '
                        f'(cwd: {osp.abspath(".")})')


def _set_amp(cfg: Config) -> None:
    """Mixed precision: fp16 + dynamic loss scale on CUDA, bf16 on CPU."""
    wrapper = cfg.get('optim_wrapper')
    if not wrapper:
        raise UserError('--amp: the config sets no optim_wrapper')
    if torch.cuda.is_available():
        wrapper.type = 'AmpOptimWrapper'
        wrapper.setdefault('loss_scale', 'dynamic')
    else:  # mmengine's AmpOptimWrapper refuses to run without a GPU
        wrapper.type = 'CPUAmpOptimWrapper'
        wrapper.pop('loss_scale', None)
        wrapper.dtype = 'bfloat16'


def load_config(args: argparse.Namespace, mode: str) -> Config:
    """Build the Runner config of ``tools/{train,test}.py``.

    Priority, as in OpenMMLab tools: ``--cfg-options`` > other options >
    config file. ``work_dir`` defaults to ``./work_dirs/<config name>``.

    Args:
        args (argparse.Namespace): ``config``, ``work_dir``, ``cfg_options``,
            ``launcher``; for ``'train'`` also ``amp`` and ``resume``
            (None, ``'auto'`` or a checkpoint path); for ``'test'`` also
            ``checkpoint``.
        mode (str): ``'train'`` or ``'test'``.

    Returns:
        mmengine.Config: Ready for ``Runner.from_cfg``.

    Raises:
        UserError: A missing config/checkpoint/dataset path, or a config
            without the parts ``mode`` needs.
    """
    _check_file(args.config, 'config file')
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])

    if mode == 'train':
        # A config that asks for AmpOptimWrapper itself also gets the CPU
        # variant on a machine without CUDA.
        wrapper_type = (cfg.get('optim_wrapper') or {}).get('type')
        if args.amp or wrapper_type == 'AmpOptimWrapper':
            _set_amp(cfg)
        if args.resume == 'auto':  # latest checkpoint in work_dir
            cfg.resume, cfg.load_from = True, None
        elif args.resume is not None:
            _check_file(args.resume, '--resume checkpoint')
            cfg.resume, cfg.load_from = True, args.resume
    elif mode == 'test':
        _check_file(args.checkpoint, 'checkpoint')
        cfg.load_from = args.checkpoint
    else:
        raise ValueError(f'mode must be "train" or "test", got {mode!r}')

    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    missing = [key for key in (f'{mode}_dataloader', f'{mode}_cfg')
               if cfg.get(key) is None]
    if missing:
        raise UserError(f'{args.config} sets no {" / ".join(missing)}, which '
                        f'tools/{mode}.py needs')
    adapt_cfg_for_device(cfg)
    check_data_paths(cfg, DATALOADERS[mode])
    return cfg


def run(cfg: Config, mode: str) -> Runner:
    """Build the Runner from ``cfg`` and train or test.

    Args:
        cfg (mmengine.Config): From :func:`load_config`.
        mode (str): ``'train'`` or ``'test'``.

    Returns:
        Runner: The finished runner.

    Raises:
        UserError: A component name that no registry knows (with its config
            key and the closest registered names), or an lfcc_mm error raised
            while building a component (prefixed with its config key); for
            ``'test'``, a checkpoint that does not fit the model (missing,
            unexpected or mis-shaped keys; a frozen teacher from
            ``teacher_ckpt`` may be absent) or that is refused as unsafe.
    """
    try:
        if 'runner_type' in cfg:
            runner = RUNNERS.build(cfg)
        else:
            runner = Runner.from_cfg(cfg)
        if mode == 'test' and cfg.get('load_from'):
            # The Runner's load_from is non-strict (it would test random
            # weights); fail first, on every rank, unless the file fits.
            load_weights_from(runner.model, cfg.load_from)
        getattr(runner, mode)()
    except UserError:
        raise
    except Exception as err:  # noqa: BLE001 - re-raised, with a key if known
        if isinstance(err, KeyError):
            message = describe_registry_miss(err, cfg)
            if message is not None:
                raise UserError(message) from err
        message = user_error_message(err)
        where = key_being_built(err.__traceback__, cfg)
        if message is None or where is None:
            raise
        raise UserError(f'{where}: {message}') from err
    return runner

