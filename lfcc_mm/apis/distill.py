"""Distil from Python: the ``tools/train.py`` run, as a function.

:func:`distill` builds the Runner exactly as ``tools/train.py`` does
(:func:`lfcc_mm.utils.cli.load_config` then :func:`lfcc_mm.utils.cli.run`,
so the same checks, defaults and one-line errors apply), trains, and exports
the trained student: ``<work_dir>/student/student.pth`` (its weights
only) and ``<work_dir>/student/student.py`` (its plain mmpretrain
config). The model it returns is re-loaded from these two files, strictly, so it is what
anyone who uses the files gets.
"""
from __future__ import annotations

import argparse
import os
import os.path as osp
from dataclasses import dataclass
from typing import Any, Dict, Optional, Union

from mmengine.model import is_model_wrapper
from mmengine.runner import Runner, weights_to_cpu
from torch import nn

from lfcc_mm.checkpoint import save_atomic
from lfcc_mm.utils.user_errors import UserError
from .student import init_student, is_distillation_config, \
    write_student_config

EXPORT_DIR = 'student'
STUDENT_CHECKPOINT = 'student.pth'
STUDENT_CONFIG = 'student.py'


@dataclass
class DistillResult:
    """What :func:`distill` produced.

    Attributes:
        model (nn.Module): The trained student (an mmpretrain
            ``ImageClassifier`` in eval mode, re-loaded strictly from
            ``checkpoint`` with ``config``).
        checkpoint (str): Absolute path of the exported student weights.
        config (str): Absolute path of the student config.
        work_dir (str): Absolute path of the run's work dir (logs and the
            Runner's own checkpoints).
        runner (Runner): The finished Runner.
    """
    model: nn.Module
    checkpoint: str
    config: str
    work_dir: str
    runner: Runner


def distill(config: Union[str, os.PathLike],
            work_dir: Union[str, os.PathLike],
            cfg_options: Optional[Dict[str, Any]] = None,
            amp: bool = False,
            resume: Optional[str] = None,
            no_validate: bool = False,
            device: str = 'cpu') -> DistillResult:
    """Train a config (distillation or plain) and export its student.

    Example:
        >>> from lfcc_mm.apis import distill
        >>> result = distill(
        ...     '/path/to/lfcc_mm/configs/benchmark/digits/'
        ...     'lfcc_kd_resnet18-w16_vit-t_digits.py',
        ...     work_dir='runs/lfcc_kd',
        ...     cfg_options={'train_cfg.max_epochs': 1,
        ...                  'model.teacher_ckpt': '/abs/teacher.pth'})
        >>> result.model  # trained student, eval mode
        >>> result.checkpoint  # runs/lfcc_kd/student/student.pth
        >>> result.config  # runs/lfcc_kd/student/student.py

    Args:
        config (str | PathLike): Config file, resolved as given (relative
            paths from the current folder). Paths inside it (data roots,
            ``teacher_ckpt``) are read as the config writes them, from the
            current folder; override them in ``cfg_options`` when needed.
        work_dir (str | PathLike): Where logs, checkpoints and the exported
            student go.
        cfg_options (dict, optional): Overrides, as ``--cfg-options``:
            dotted keys to Python values, e.g.
            ``{'train_cfg.max_iters': 10}`` (the same typo check applies;
            prefix a new key with ``+``).
        amp (bool): Mixed precision, as ``--amp``. Defaults to False.
        resume (str, optional): ``'auto'`` or a checkpoint path, as
            ``--resume``. Defaults to None (a fresh run).
        no_validate (bool): As ``--no-validate``. Defaults to False.
        device (str): Where the returned student goes. Defaults to ``'cpu'``.

    Returns:
        DistillResult: The student and where its files are.

    Raises:
        UserError: What ``tools/train.py`` reports as one line (a missing
            file or dataset, a refused option, an unknown component, ...).
    """
    args = argparse.Namespace(
        config=os.fspath(config), work_dir=os.fspath(work_dir),
        cfg_options=dict(cfg_options or {}), launcher='none', amp=amp,
        resume=resume, no_validate=no_validate, auto_scale_lr=False,
        no_pin_memory=False, no_persistent_workers=False)
    from lfcc_mm.utils.cli import load_config, run
    cfg = load_config(args, 'train')
    runner = run(cfg, 'train')
    work_dir = osp.abspath(runner.work_dir)
    ckpt_path, cfg_path = export_from_runner(
        runner, cfg, osp.join(work_dir, EXPORT_DIR))
    model = init_student(cfg_path, ckpt_path, device=device)
    return DistillResult(model=model, checkpoint=ckpt_path, config=cfg_path,
                         work_dir=work_dir, runner=runner)


def export_from_runner(runner: Runner, cfg: Any,
                       folder: str) -> 'tuple[str, str]':
    """Write the runner's current student weights and config to ``folder``.

    Args:
        runner (Runner): A trained Runner.
        cfg (mmengine.Config): The config it was built from.
        folder (str): Where ``student.pth`` and ``student.py`` go.

    Returns:
        tuple[str, str]: The checkpoint and config paths (absolute).

    Raises:
        UserError: The model is neither a distillation algorithm nor a
            plain model with a state dict.
    """
    model = runner.model.module if is_model_wrapper(
        runner.model) else runner.model
    if is_distillation_config(cfg):
        student = getattr(model, 'architecture', None)
        if student is None:
            raise UserError(f'{cfg.filename}: the model has no architecture '
                            'module to export')
    else:
        student = model
    meta: Dict[str, Any] = dict(iter=runner.iter, epoch=runner.epoch,
                                experiment_name=runner.experiment_name,
                                extracted_from=osp.abspath(folder))
    dataset_meta = getattr(model, 'dataset_meta', None) or getattr(
        runner.train_dataloader.dataset, 'metainfo', None)
    if dataset_meta:
        meta['dataset_meta'] = dict(dataset_meta)
    ckpt_path = osp.join(folder, STUDENT_CHECKPOINT)
    save_atomic(dict(state_dict=weights_to_cpu(student.state_dict()),
                     meta=meta), ckpt_path)
    cfg_path = write_student_config(cfg, osp.join(folder, STUDENT_CONFIG),
                                    source=cfg.filename)
    return ckpt_path, cfg_path
