"""Command-line logic shared by ``tools/train.py`` and ``tools/test.py``.

One place turns ``CONFIG`` plus the OpenMMLab options into the config the
Runner is built from: load, apply ``--work-dir``/``--launcher``/``--amp``/
``--resume``/``CHECKPOINT`` and the other flags of mmpretrain's tools
(``--no-validate``, ``--auto-scale-lr``, ``--no-pin-memory``,
``--no-persistent-workers``, ``--out``/``--out-item``), merge the checked
``--cfg-options``, adapt to a CPU-only machine
(:func:`lfcc_mm.compat.adapt_cfg_for_device`) and check the work dir and the
dataset paths, so that mistakes surface as one line (see
:mod:`.exit_on_error`).
"""
from __future__ import annotations

import argparse
import errno
import os
import os.path as osp
from types import TracebackType
from typing import Optional, Sequence

import torch
from mmengine.config import Config, DictAction
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from lfcc_mm.checkpoint import load_weights_from, torn_checkpoint_problem
from lfcc_mm.compat import adapt_cfg_for_device
from lfcc_mm.engine.collective_timeout import collective_timeout_message
from lfcc_mm.engine.dump_metrics_hook import METRIC_FILE_SUFFIXES
from lfcc_mm.engine.resume_checkpoint import resume_settings
from .config_checks import (NEW_KEY_PREFIX, check_cfg_option_keys,
                            check_data_paths, check_work_dir,
                            check_writable,
                            describe_registry_miss, key_being_built)
from lfcc_mm.errors import UserError
from lfcc_mm.fileio import TMP_SUFFIX
from .exit_on_error import user_error_message
from .preflight import NON_STRICT_FLAG, check_before_training
from .test_time import (add_show_tta_args, apply_show_dir, apply_tta,
                        model_to_load)
from .vis_backends import add_vis_backend_args, apply_vis_backends

# The dataloaders each mode builds, so their paths are checked up front.
DATALOADERS = dict(
    train=('train_dataloader', 'val_dataloader'), test=('test_dataloader', ))
# The dataloaders mmpretrain's tools/train.py gives its defaults to.
TRAIN_LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


CFG_OPTIONS_HELP = (
    'override config settings, key=value pairs such as '
    'train_cfg.max_iters=10 or key="[a,b]"; no spaces inside a value. '
    'A key that does not exist is added (as in mmengine), unless it is '
    'close to an existing key, which is taken for a typo and refused with a '
    '"did you mean"; write +key=value to add such a key anyway. A key below '
    'a None value makes it a dict (optim_wrapper.clip_grad.max_norm=5); one '
    'below another value that is not a dict, or an invalid list index, is '
    'refused')


class CfgOptionsAction(DictAction):
    """mmengine's ``DictAction``; an item that is not ``key=value`` is a
    :class:`UserError` (mmengine's raises a ``ValueError`` trace).

    The tools parse their arguments inside
    :func:`~.exit_on_error.exit_on_user_error`, so this is one stderr line.
    """

    def __call__(self,
                 parser: argparse.ArgumentParser,
                 namespace: argparse.Namespace,
                 values: Sequence[str],
                 option_string: Optional[str] = None) -> None:
        for item in values:
            key, sep, _ = item.partition('=')
            if not sep or not key.strip(NEW_KEY_PREFIX):
                raise UserError(
                    f'{option_string or "--cfg-options"}: {item!r} is not '
                    f'key=value; write e.g. train_cfg.max_iters=10, with no '
                    f'spaces around "=" or inside the value')
        super().__call__(parser, namespace, values, option_string)


def add_train_args(parser: argparse.ArgumentParser) -> None:
    """Add mmpretrain's training flags.

    ``--no-validate``, ``--auto-scale-lr``, ``--no-pin-memory``,
    ``--no-persistent-workers``; see :func:`load_config` for their effect;
    ``--vis-backend`` (see :mod:`.vis_backends`).

    Args:
        parser (argparse.ArgumentParser): ``tools/train.py``'s parser.
    """
    parser.add_argument(
        '--no-validate',
        action='store_true',
        help='do not evaluate during training (drops val_cfg, '
        'val_dataloader and val_evaluator)')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the learning rates by (GPUs x batch per GPU) / '
        'auto_scale_lr.base_batch_size of the config (linear scaling rule), '
        'e.g. x0.5 for a 8xb128 config run on 4 GPUs')
    parser.add_argument(
        NON_STRICT_FLAG,
        action='store_true',
        help='let --resume/load_from load a checkpoint that does not fit the '
        'model: only the keys that fit are loaded, the others keep their '
        'initialisation (mmengine\'s default; without this flag such a '
        'checkpoint is an error)')
    _add_pin_memory_arg(parser)
    parser.add_argument(
        '--no-persistent-workers',
        action='store_true',
        help='restart the dataloader workers every epoch (by default, as in '
        'mmpretrain, workers persist across epochs when num_workers > 0)')
    add_vis_backend_args(parser)  # --vis-backend tensorboard / wandb


def add_test_args(parser: argparse.ArgumentParser) -> None:
    """Add mmpretrain's testing flags: ``--out``, ``--out-item``, ``--amp``,
    ``--no-pin-memory``, ``--show-dir``/``--interval``, ``--tta`` (see
    :mod:`.test_time`).

    Args:
        parser (argparse.ArgumentParser): ``tools/test.py``'s parser.
    """
    parser.add_argument(
        '--amp',
        action='store_true',
        help='mixed-precision inference (test_cfg.fp16): fp16 autocast on '
        'CUDA, bf16 on CPU')
    parser.add_argument(
        '--out',
        help='also write the results to this file: the predictions (a .pkl '
        'of one dict per image: pred_score, pred_label, gt_label, ...) or, '
        'with --out-item metrics, the metrics (.json, .yaml or .pkl)')
    parser.add_argument(
        '--out-item',
        choices=['metrics', 'pred'],
        help='what --out holds (default: pred)')
    _add_pin_memory_arg(parser)
    add_show_tta_args(parser)  # --show-dir, --interval, --tta


def _add_pin_memory_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        '--no-pin-memory',
        action='store_true',
        help='do not pin the dataloaders\' host memory (by default, as in '
        'mmpretrain, it is pinned, on a machine with CUDA)')


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
        action=CfgOptionsAction,
        help=CFG_OPTIONS_HELP)
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher (dist_*.sh pass pytorch, slurm_*.sh pass slurm)')
    # torch.distributed.launch passes --local-rank (torch >= 2.0) or
    # --local_rank (older); torchrun sets LOCAL_RANK instead.
    parser.add_argument('--local-rank', '--local_rank', type=int, default=0)


def parse_args(parser: argparse.ArgumentParser,
               argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse the command line and export ``LOCAL_RANK`` for mmengine.

    Args:
        parser (argparse.ArgumentParser): The tool's parser.
        argv (Sequence[str], optional): The arguments; None: the command
            line.

    Returns:
        argparse.Namespace: The parsed arguments.
    """
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def _check_file(path: str, what: str) -> None:
    if not osp.isfile(path):
        raise UserError(f'{what} {path!r} does not exist '
                        f'(cwd: {osp.abspath(".")})')


def _config_file_of(tb: Optional[TracebackType], default: str) -> str:
    """The config file mmengine was reading when ``tb`` was raised.

    mmengine parses a config and each of its ``_base_`` files with
    ``ast.parse`` and no file name, so a ``SyntaxError`` says
    ``<unknown>``; the innermost frame of ``mmengine.config`` holds the file
    in its ``filename`` local.
    """
    found = default
    while tb is not None:
        frame = tb.tb_frame
        name = frame.f_locals.get('filename')
        if (f'{os.sep}mmengine{os.sep}config{os.sep}' in
                frame.f_code.co_filename and isinstance(name, str)
                and osp.isfile(name)):
            found = name
        tb = tb.tb_next
    return found


def load_cfg_file(path: str) -> Config:
    """``Config.fromfile``, with a missing file or a syntax error as one line.

    Args:
        path (str): The config file.

    Returns:
        mmengine.Config: The loaded config.

    Raises:
        UserError: The file does not exist, or it (or one of its ``_base_``
            files) is not valid Python: names the file and the line.
    """
    _check_file(path, 'config file')
    try:
        return Config.fromfile(path)
    except ImportError as err:  # custom_imports, or an import in the file
        cause: BaseException = err  # mmengine re-raises with sys.path in it
        while isinstance(cause.__cause__ or cause.__context__, ImportError):
            cause = cause.__cause__ or cause.__context__
        name = getattr(cause, 'name', None)
        missing = f' (module {name!r})' if name else ''
        raise UserError(
            f'config file {path}: an import failed{missing}: {cause}; install '
            f'the package, or fix the import / custom_imports in the config'
        ) from err
    except SyntaxError as err:
        cause = err
        if not err.lineno and isinstance(err.__context__, SyntaxError):
            cause = err.__context__  # mmengine re-raised it without a line
        where = _config_file_of(err.__traceback__, path)
        if osp.abspath(where) == osp.abspath(path):
            where = path  # as the user wrote it
        else:
            where = f'{where} (a _base_ of {path})'
        line = f', line {cause.lineno}' if cause.lineno else ''
        text = (cause.text or '').strip()
        code = f': {text}' if text else ''
        raise UserError(f'config file {where}{line}: syntax error: '
                        f'{cause.msg}{code}') from err


def merge_cfg_options(cfg: Config, options: Optional[dict]) -> None:
    """Merge ``--cfg-options`` after checking their keys.

    See :func:`~.config_checks.check_cfg_option_keys` for which keys are
    refused.

    Args:
        cfg (mmengine.Config): Changed in place.
        options (dict, optional): The parsed ``--cfg-options``.

    Raises:
        UserError: A likely typo, a key below a non-dict value or a bad
            list index.
    """
    if options:
        cfg.merge_from_dict(check_cfg_option_keys(cfg, options))


def _set_dataloader_flags(cfg: Config, keys: Sequence[str],
                          no_pin_memory: bool,
                          no_persistent_workers: bool) -> None:
    """``--no-pin-memory``/``--no-persistent-workers``: set to False.

    Applied before ``--cfg-options``, which win over them.
    """
    for key in keys:
        loader = cfg.get(key)
        if not isinstance(loader, dict):
            continue
        if no_pin_memory:
            loader['pin_memory'] = False
        if no_persistent_workers:
            loader['persistent_workers'] = False


def _set_dataloader_defaults(cfg: Config, keys: Sequence[str],
                             persistent_workers: bool) -> None:
    """mmpretrain's tools' dataloader defaults, where nothing set the key.

    ``pin_memory=True`` (only with CUDA here: there is nothing to pin for
    otherwise) and, if ``persistent_workers``, ``persistent_workers=True``
    (only with ``num_workers > 0``, which torch requires). Applied after
    ``--cfg-options``, so that ``num_workers`` is final.
    """
    for key in keys:
        loader = cfg.get(key)
        if not isinstance(loader, dict):
            continue
        if torch.cuda.is_available():
            loader.setdefault('pin_memory', True)
        if persistent_workers and (loader.get('num_workers') or 0) > 0:
            loader.setdefault('persistent_workers', True)


def _apply_train_flags(cfg: Config, args: argparse.Namespace) -> None:
    """``--no-validate``, ``--auto-scale-lr`` and the dataloader flags."""
    if getattr(args, 'no_validate', False):
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    if getattr(args, 'auto_scale_lr', False):
        if not isinstance(cfg.get('auto_scale_lr'), dict):
            cfg.auto_scale_lr = dict()  # reported by _check_auto_scale_lr
        cfg.auto_scale_lr.enable = True
    _set_dataloader_flags(cfg, TRAIN_LOADERS,
                          getattr(args, 'no_pin_memory', False),
                          getattr(args, 'no_persistent_workers', False))
    apply_vis_backends(cfg, args)


def _check_auto_scale_lr(cfg: Config, config_path: str) -> None:
    """An enabled ``auto_scale_lr`` needs a positive ``base_batch_size``."""
    scale = cfg.get('auto_scale_lr')
    if not isinstance(scale, dict) or not scale.get('enable', False):
        return
    base = scale.get('base_batch_size')
    if not isinstance(base, int) or isinstance(base, bool) or base < 1:
        raise UserError(
            f'--auto-scale-lr: {config_path} sets no auto_scale_lr.'
            f'base_batch_size (got {base!r}), the total batch size its '
            f'learning rate is meant for; add auto_scale_lr = '
            f'dict(base_batch_size=N) to the config or --cfg-options '
            f'auto_scale_lr.base_batch_size=N')


def _world_size(cfg: Config) -> int:
    """Processes of this run: torchrun's ``WORLD_SIZE`` under a launcher."""
    if cfg.get('launcher', 'none') == 'none':
        return 1
    try:
        return max(int(os.environ.get('WORLD_SIZE', '1')), 1)
    except ValueError:
        return 1


def _check_global_batch(cfg: Config, config_path: str) -> None:
    """Refuse a multi-process run whose total batch is not the config's.

    A config's ``auto_scale_lr.base_batch_size`` is the total batch its
    learning rate is meant for (``1xb128`` -> 128). Launched on ``P``
    processes of ``B`` images without ``--auto-scale-lr``, the total batch
    is ``P * B`` while the lr stays: a different recipe that trains without
    a word (OFA-KD's CIFAR-100 ``1xb128`` vs ``8xb128``). A single process is
    not refused (debug runs), and a config without ``auto_scale_lr`` says
    nothing to compare with.
    """
    scale = cfg.get('auto_scale_lr')
    if not isinstance(scale, dict) or scale.get('enable', False):
        return
    base = scale.get('base_batch_size')
    batch = (cfg.get('train_dataloader') or {}).get('batch_size')
    world = _world_size(cfg)
    if world == 1 or not isinstance(base, int) or not isinstance(batch, int):
        return
    if world * batch != base:
        raise UserError(
            f'{config_path} sets its learning rate for a total batch of '
            f'{base} (auto_scale_lr.base_batch_size), but this run has '
            f'{world} processes x {batch} images = {world * batch}: use the '
            f'config made for {world} processes if there is one, add '
            f'--auto-scale-lr to scale the lr by {world * batch}/{base}, or '
            f'keep the lr with --cfg-options '
            f'auto_scale_lr.base_batch_size={world * batch}')


def _apply_test_flags(cfg: Config, args: argparse.Namespace) -> None:
    """``--out``/``--out-item``, ``--amp``, ``--no-pin-memory``, as in
    mmpretrain.

    Predictions go through mmengine's ``DumpResults`` metric (a pickle);
    metrics through :class:`~lfcc_mm.engine.DumpMetricsHook`.
    """
    if getattr(args, 'amp', False) and cfg.get('test_cfg') is not None:
        cfg.test_cfg.fp16 = True  # TestLoop's autocast
    out, item = getattr(args, 'out', None), getattr(args, 'out_item', None)
    if item is not None and out is None:
        raise UserError('--out-item needs --out FILE, the file to write')
    if out is not None:
        if osp.isdir(out):
            raise UserError(f'--out {out!r} is a folder; give a file name')
        check_writable(out, '--out', folder=False)  # not after the test
        if item == 'metrics':
            if not out.lower().endswith(METRIC_FILE_SUFFIXES):
                raise UserError(
                    f'--out {out!r}: metrics are written as '
                    f'{", ".join(METRIC_FILE_SUFFIXES)}; end the file name '
                    f'with one of these')
            cfg.custom_hooks = list(cfg.get('custom_hooks') or []) + [
                dict(type='DumpMetricsHook', out_file=out)]
        else:
            if not out.lower().endswith(('.pkl', '.pickle')):
                raise UserError(
                    f'--out {out!r}: predictions are written as a pickle; '
                    f'end the file name with .pkl (or add --out-item metrics '
                    f'for a .json of the metrics)')
            evaluator = cfg.get('test_evaluator')
            metrics = (list(evaluator) if isinstance(evaluator, (list, tuple))
                       else [evaluator] if evaluator else [])
            cfg.test_evaluator = metrics + [
                dict(type='mmengine.DumpResults', out_file_path=out)]
    _set_dataloader_flags(cfg, ('test_dataloader', ),
                          getattr(args, 'no_pin_memory', False), False)
    apply_show_dir(cfg, args)
    apply_tta(cfg, args)


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
    The flags of mmpretrain's tools act as there: ``--no-validate`` drops
    the validation parts; ``--auto-scale-lr`` sets ``auto_scale_lr.enable``
    (the Runner then scales the lr by world size x batch size /
    ``base_batch_size``); dataloaders default to ``pin_memory=True`` (with
    CUDA) and, in training, ``persistent_workers=True`` (with workers),
    which ``--no-pin-memory``/``--no-persistent-workers`` turn off;
    ``--out`` adds mmengine's ``DumpResults`` to the test evaluator, or
    with ``--out-item metrics`` a :class:`~lfcc_mm.engine.DumpMetricsHook`;
    ``--amp`` in test mode sets ``test_cfg.fp16``.

    Args:
        args (argparse.Namespace): ``config``, ``work_dir``, ``cfg_options``,
            ``launcher``; for ``'train'`` also ``amp`` and ``resume``
            (None, ``'auto'`` or a checkpoint path) and optionally
            ``no_validate``, ``auto_scale_lr``, ``no_pin_memory``,
            ``no_persistent_workers``; for ``'test'`` also ``checkpoint``
            and optionally ``out``, ``out_item``, ``amp``,
            ``no_pin_memory``.
        mode (str): ``'train'`` or ``'test'``.

    Returns:
        mmengine.Config: Ready for ``Runner.from_cfg``.

    Raises:
        UserError: A missing config/checkpoint/dataset path, a syntax error
            in the config, a refused ``--cfg-options`` key, a work dir that
            is a file, a config without the parts ``mode`` (or a flag)
            needs.
    """
    cfg = load_cfg_file(args.config)
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
        if args.resume is not None:
            # 'auto': the newest complete checkpoint in the final work_dir
            # (a --cfg-options work_dir=... wins); a path must be complete.
            work_dir = (args.cfg_options or {}).get('work_dir', cfg.work_dir)
            cfg.resume, cfg.load_from = resume_settings(args.resume,
                                                        work_dir)
    elif mode == 'test':
        _check_file(args.checkpoint, 'checkpoint')
        cfg.load_from = args.checkpoint
    else:
        raise ValueError(f'mode must be "train" or "test", got {mode!r}')
    if mode == 'train':
        _apply_train_flags(cfg, args)
    else:
        _apply_test_flags(cfg, args)

    merge_cfg_options(cfg, args.cfg_options)
    missing = [key for key in (f'{mode}_dataloader', f'{mode}_cfg')
               if cfg.get(key) is None]
    if missing:
        raise UserError(f'{args.config} sets no {" / ".join(missing)}, which '
                        f'tools/{mode}.py needs')
    if mode == 'train':
        _set_dataloader_defaults(cfg, TRAIN_LOADERS, persistent_workers=True)
        _check_auto_scale_lr(cfg, args.config)
        _check_global_batch(cfg, args.config)
    else:
        _set_dataloader_defaults(cfg, ('test_dataloader', ),
                                 persistent_workers=False)
    check_work_dir(cfg.work_dir)
    checkpoint_hook = (cfg.get('default_hooks') or {}).get('checkpoint')
    if mode == 'train' and isinstance(checkpoint_hook, dict) and \
            checkpoint_hook.get('out_dir'):
        check_writable(checkpoint_hook['out_dir'],
                       'default_hooks.checkpoint.out_dir')
    adapt_cfg_for_device(cfg)
    check_data_paths(cfg, DATALOADERS[mode])
    return cfg


# Write failures that are the machine's state, not a bug: one line.
_WRITE_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES)


def _file_being_written(tb: Optional[TracebackType]) -> Optional[str]:
    """The destination of the innermost :func:`lfcc_mm.fileio.atomic_path`
    (or of mmengine's ``save_checkpoint``) in ``tb``."""
    found = None
    while tb is not None:
        frame = tb.tb_frame
        name = frame.f_locals.get('filename')
        if frame.f_code.co_name in ('atomic_path', 'save_checkpoint') and \
                isinstance(name, str):
            out_dir = frame.f_locals.get('out_dir')  # Runner.save_checkpoint
            found = (osp.join(out_dir, name) if isinstance(out_dir, str)
                     else name)
        tb = tb.tb_next
    if found is not None:  # the temporary file: name its destination
        base = osp.basename(found)
        if base.startswith('.') and base.endswith(TMP_SUFFIX):
            found = osp.join(osp.dirname(found), base[1:].rsplit('.', 2)[0])
    return found


def write_failure_message(err: BaseException) -> Optional[str]:
    """One line for a full disk (or read-only file system) during a save.

    Args:
        err (BaseException): The exception that ended the run.

    Returns:
        str | None: The message, or None for another error.
    """
    if not isinstance(err, OSError) or err.errno not in _WRITE_ERRNOS:
        return None
    path = _file_being_written(err.__traceback__) or err.filename
    where = f'while writing {path!r}' if path else 'while writing a file'
    if path and osp.isfile(path) and path.endswith('.pth') and \
            torn_checkpoint_problem(path) is not None:
        os.remove(path)  # written in place (mmengine's CheckpointHook): torn
    return (f'{err.strerror or err} {where}; the partial file was removed '
            f'and the files written before (the last complete checkpoint, '
            f'which last_checkpoint names) are kept: free space (or fix the '
            f'permissions) and continue with --resume')


def run(cfg: Config, mode: str, strict_load: bool = True) -> Runner:
    """Build the Runner from ``cfg`` and train or test.

    Args:
        cfg (mmengine.Config): From :func:`load_config`.
        mode (str): ``'train'`` or ``'test'``.
        strict_load (bool): Whether a ``--resume``/``load_from`` checkpoint
            must fit the model exactly (see :mod:`.preflight`). Defaults to
            True.

    Returns:
        Runner: The finished runner.

    Raises:
        UserError: A component name that no registry knows (with its config
            key and the closest registered names), an lfcc_mm error raised
            while building a component (prefixed with its config key), a
            distributed collective that timed out (a hung rank); for
            ``'test'``, a checkpoint that does not fit the model (missing,
            unexpected or mis-shaped keys; a frozen teacher from
            ``teacher_ckpt`` may be absent) or that is refused as unsafe;
            for ``'train'``, what :func:`.preflight.check_before_training`
            refuses; a full disk or read-only file system during a save.
    """
    try:
        if 'runner_type' in cfg:
            runner = RUNNERS.build(cfg)
        else:
            runner = Runner.from_cfg(cfg)
        if mode == 'test' and cfg.get('load_from'):
            # The Runner's load_from is non-strict (it would test random
            # weights); fail first, on every rank, unless the file fits.
            target = model_to_load(runner.model)
            load_weights_from(target, cfg.load_from)
            if target is not runner.model:  # --tta: the wrapper's keys
                runner._load_from = None  # differ; do not load it again
        if mode == 'train':  # before the first step: data, classes, weights
            check_before_training(runner, cfg, strict=strict_load)
        getattr(runner, mode)()
    except UserError:
        raise
    except Exception as err:  # noqa: BLE001 - re-raised, with a key if known
        written = write_failure_message(err)
        if written is not None:
            raise UserError(written) from err
        dist_cfg = (cfg.get('env_cfg') or {}).get('dist_cfg') or {}
        timeout = collective_timeout_message(err, dist_cfg.get('timeout'))
        if timeout is not None:  # a hung rank: one line, not a gloo trace
            raise UserError(timeout) from err
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

