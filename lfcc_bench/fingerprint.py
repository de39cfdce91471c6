"""Fingerprints: which settings shaped a result, as one short hash.

A benchmark row may be reused only when everything that shaped it is the
same. That is captured by :func:`run_fingerprint`: the hash of what mmengine's
``Runner`` reads from the run's fully resolved config (:data:`RUNNER_KEYS`;
not the helper variables its bases leave at the top level, such as
``train_pipeline`` or a model's ``*_taps``, which a run never reads), minus
the entries that only say where outputs go or how they are logged, with the
teacher checkpoint's *path* replaced by the *content* hash of that file (a
teacher retrained in place changes it), plus a context (kernel numerics, class
list, library versions). It works on any mmengine config, so it carries over
to a benchmark driven by config files.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any, Dict, Optional

#: Top-level config keys mmengine's ``Runner`` reads (``Runner.from_cfg`` and
#: the ``self.cfg.get`` calls of mmengine 0.10), plus ``custom_imports``
#: (modules a config imports when loaded). Every other top-level key is a
#: variable of a base file, read by nothing at run time.
RUNNER_KEYS = (
    'model', 'work_dir', 'train_dataloader', 'val_dataloader',
    'test_dataloader', 'train_cfg', 'val_cfg', 'test_cfg', 'auto_scale_lr',
    'optim_wrapper', 'param_scheduler', 'val_evaluator', 'test_evaluator',
    'default_hooks', 'custom_hooks', 'data_preprocessor', 'load_from',
    'resume', 'launcher', 'env_cfg', 'log_processor', 'log_level',
    'visualizer', 'default_scope', 'randomness', 'experiment_name',
    'model_wrapper_cfg', 'sync_bn', 'find_unused_parameters',
    'activation_checkpointing', 'efficient_conv_bn_eval', 'compile',
    'strategy', 'custom_imports')
#: Top-level config keys that do not shape a result: where outputs go and how
#: they are logged or shown.
NOT_SHAPING_KEYS = ('work_dir', 'log_level', 'log_processor', 'visualizer')
#: ``default_hooks`` entries that do not shape a result: where checkpoints
#: go, logging, and checks that only stop a run (non-finite loss, work-dir
#: lock, last batch size).
NOT_SHAPING_HOOKS = ('logger', 'timer', 'checkpoint', 'non_finite',
                     'work_dir_lock', 'batch_check')
#: Config keys (at any depth) whose value is a teacher checkpoint path.
TEACHER_CKPT_KEYS = ('teacher_ckpt', )


def stable_hash(obj: Any, length: int = 16) -> str:
    """Hex SHA-256 of a JSON-serialisable object, keys sorted.

    Tuples and lists hash alike; non-JSON values hash by ``str``.

    Args:
        obj (Any): The object.
        length (int): Hex digits kept. Defaults to 16.

    Returns:
        str: The hash prefix.
    """
    text = json.dumps(obj, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def file_sha256(path: str, chunk: int = 1 << 20) -> str:
    """Hex SHA-256 of a file's bytes.

    Args:
        path (str): The file.
        chunk (int): Read size. Defaults to 1 MiB.

    Returns:
        str: 64 hex digits.
    """
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(chunk), b''):
            digest.update(block)
    return digest.hexdigest()


def _replace_teacher_ckpt(obj: Any, teacher_sha256: Optional[str]) -> Any:
    """A copy of ``obj`` with every teacher checkpoint path replaced.

    Raises:
        ValueError: If a teacher checkpoint is named but ``teacher_sha256``
            is None.
    """
    if isinstance(obj, dict):
        out = {}
        for key, value in obj.items():
            if key in TEACHER_CKPT_KEYS and value is not None:
                if teacher_sha256 is None:
                    raise ValueError(
                        f'the run config names a teacher checkpoint '
                        f'({key}={value!r}): pass its content hash as '
                        'teacher_sha256')
                out[key] = f'sha256:{teacher_sha256}'
            else:
                out[key] = _replace_teacher_ckpt(value, teacher_sha256)
        return out
    if isinstance(obj, (list, tuple)):
        return [_replace_teacher_ckpt(v, teacher_sha256) for v in obj]
    return obj


def shaping_config(cfg: Any, teacher_sha256: Optional[str] = None
                   ) -> Dict[str, Any]:
    """The part of a run config that shapes its result, as a plain dict.

    Args:
        cfg (mmengine.Config | dict): The fully resolved run config.
        teacher_sha256 (str, optional): Content hash of the teacher
            checkpoint the config names, if any.

    Returns:
        dict: The :data:`RUNNER_KEYS` of ``cfg`` without
        :data:`NOT_SHAPING_KEYS` and :data:`NOT_SHAPING_HOOKS`, teacher
        checkpoint paths replaced by ``'sha256:<teacher_sha256>'``.

    Raises:
        ValueError: If the config names a teacher checkpoint but no
            ``teacher_sha256`` is given.
    """
    plain = cfg.to_dict() if hasattr(cfg, 'to_dict') else dict(cfg)
    plain = {k: v for k, v in plain.items()
             if k in RUNNER_KEYS and k not in NOT_SHAPING_KEYS}
    hooks = plain.get('default_hooks')
    if isinstance(hooks, dict):
        plain['default_hooks'] = {k: v for k, v in hooks.items()
                                  if k not in NOT_SHAPING_HOOKS}
    return _replace_teacher_ckpt(plain, teacher_sha256)


def run_fingerprint(cfg: Any, teacher_sha256: Optional[str] = None,
                    context: Optional[dict] = None) -> str:
    """Hash of everything that shaped one run's result.

    Args:
        cfg (mmengine.Config | dict): The fully resolved run config.
        teacher_sha256 (str, optional): Content hash of its teacher
            checkpoint (distillation runs).
        context (dict, optional): What shapes the result outside the config
            (kernel instruction set, threads, library versions, the class
            list found on disk).

    Returns:
        str: 16 hex digits.
    """
    return stable_hash(dict(config=shaping_config(cfg, teacher_sha256),
                            teacher_sha256=teacher_sha256,
                            context=context or {}))
