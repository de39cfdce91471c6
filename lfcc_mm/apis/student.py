"""Student configs and strict student loading.

A distillation config builds the whole algorithm (student, frozen teacher,
distiller); the model a user deploys is its student, ``model.architecture``.
:func:`student_config` turns a distillation config into the plain mmpretrain
config of that student (its model, the algorithm's data preprocessor, and
the config's data pipelines, evaluators and runtime), and returns a student
config unchanged; :func:`init_student` builds that model and loads a
checkpoint into it strictly, whichever of the two configs and whichever of
an exported student checkpoint or a full distillation checkpoint it is
given. Nothing here returns a model whose weights did not all load.
"""
from __future__ import annotations

import copy
import os
import os.path as osp
from typing import Any, Mapping, Optional, Union

import torch
from mmengine.config import Config, ConfigDict
from torch import nn

from lfcc_mm.checkpoint import (is_distillation_state_dict, load_weights,
                                load_checkpoint_file, state_dict_of,
                                student_state_dict)
from lfcc_mm.utils.user_errors import UserError

ConfigType = Union[str, os.PathLike, Config]

# Validation loops of distillation configs and the plain loop a student
# config runs instead (mmrazor's loop also evaluates the teacher).
_DISTILL_LOOPS = ('SingleTeacherDistillValLoop', )
_MISMATCH_HINT = (
    'Pass the config the checkpoint was trained with: the distillation '
    'config (or its student config, written beside an exported student by '
    'tools/model_converters/extract_student.py)')


def load_any_config(config: ConfigType) -> Config:
    """A config from a path, an mmpretrain zoo name or a ``Config``.

    Args:
        config (str | PathLike | Config): A config file (resolved as given,
            relative to the current folder), a package config such as
            ``'mmpretrain::resnet/resnet18_8xb32_in1k.py'``, or a loaded
            ``Config`` (copied, never changed).

    Returns:
        mmengine.Config: A deep copy the caller may change.

    Raises:
        UserError: A missing file or a syntax error (one line).
    """
    if isinstance(config, Config):
        return copy.deepcopy(config)
    path = os.fspath(config)
    if '::' in path:
        from mmengine.hub import get_config
        try:
            return get_config(path)
        except (FileNotFoundError, ValueError) as err:
            raise UserError(f'config {path!r} is not a config of an '
                            f'installed package: {err}') from err
    from lfcc_mm.utils.cli import load_cfg_file
    return load_cfg_file(path)


def is_distillation_config(cfg: Config) -> bool:
    """Whether ``cfg.model`` is a distillation algorithm (has a student).

    Args:
        cfg (mmengine.Config): A loaded config.

    Returns:
        bool: True when ``model.architecture`` is set.
    """
    model = cfg.get('model')
    return isinstance(model, Mapping) and 'architecture' in model


def student_model_cfg(architecture: Mapping[str, Any]) -> ConfigDict:
    """The plain model dict of a distillation config's ``architecture``.

    MMRazor builds ``dict(cfg_path='mmpretrain::...', pretrained=False)``
    with ``mmengine.hub.get_model``; the model of that zoo config is
    returned instead, so that mmpretrain's own ``init_model`` builds it.

    Args:
        architecture (Mapping): ``cfg.model.architecture``.

    Returns:
        ConfigDict: A model dict with ``type`` (and ``_scope_``).
    """
    arch = ConfigDict(copy.deepcopy(dict(architecture)))
    if arch.get('cfg_path') and not arch.get('type'):
        from mmengine.hub import get_config
        cfg_path = arch.pop('cfg_path')
        arch.pop('pretrained', None)
        model = ConfigDict(copy.deepcopy(get_config(cfg_path).model))
        model.setdefault('_scope_', cfg_path.split('::')[0])
        for key, value in arch.items():  # get_model's default_args
            model.setdefault(key, value)
        return model
    return arch


def classifier_preprocessor(preprocessor: Mapping[str, Any]) -> ConfigDict:
    """The algorithm's data preprocessor, in a form ``ImageClassifier`` takes.

    mmpretrain's ``ImageClassifier`` passes ``batch_augments`` to its data
    preprocessor, which mmengine's ``ImgDataPreprocessor`` does not accept;
    that one becomes the equivalent ``ClsDataPreprocessor`` (same channel
    flip, then the same ``(x - mean) / std``, same padding). Others are
    copied.

    Args:
        preprocessor (Mapping): The distillation algorithm's
            ``data_preprocessor`` dict.

    Returns:
        ConfigDict: The student's ``data_preprocessor``.
    """
    out = ConfigDict(copy.deepcopy(dict(preprocessor)))
    if str(out.get('type', '')).split('.')[-1] != 'ImgDataPreprocessor':
        return out
    flip = bool(out.pop('bgr_to_rgb', False) or out.pop('rgb_to_bgr', False))
    kept = {k: out[k] for k in ('mean', 'std', 'pad_size_divisor',
                                'pad_value') if k in out}
    return ConfigDict(type='mmpretrain.ClsDataPreprocessor', to_rgb=flip,
                      **kept)


def student_config(config: ConfigType) -> Config:
    """The plain mmpretrain config of a distillation config's student.

    The student's model is ``model.architecture`` (a zoo ``cfg_path``
    expanded) with the data preprocessor the algorithm normalised its
    inputs with (``model.data_preprocessor``, else the top-level
    ``data_preprocessor``). Everything else (datasets and pipelines,
    evaluators, schedules, runtime, ``custom_imports``) is kept, except the
    validation loop, which becomes mmengine's ``ValLoop`` where it was
    mmrazor's distillation loop. The result works with ``tools/test.py``,
    ``tools/train.py`` (the student alone) and mmpretrain's ``init_model``.

    Args:
        config (str | PathLike | Config): A distillation config, or a
            student config (returned as loaded).

    Returns:
        mmengine.Config: The student config.
    """
    cfg = load_any_config(config)
    if not is_distillation_config(cfg):
        return cfg
    model = cfg.model
    student = student_model_cfg(model.architecture)
    preprocessor = model.get('data_preprocessor') or cfg.get(
        'data_preprocessor')
    if preprocessor:
        student.data_preprocessor = classifier_preprocessor(preprocessor)
    text = {k: v for k, v in cfg.to_dict().items()
            if k not in ('model', 'load_from', 'resume', 'work_dir',
                         'launcher')}
    text['model'] = student.to_dict()
    val_cfg = text.get('val_cfg')
    if isinstance(val_cfg, Mapping) and str(val_cfg.get('type', '')).split(
            '.')[-1] in _DISTILL_LOOPS:
        text['val_cfg'] = dict(type='ValLoop')
    return Config(text)


def write_student_config(config: ConfigType, filename: str,
                         source: Optional[str] = None) -> str:
    """Write :func:`student_config` of ``config`` as a ``.py`` file.

    Args:
        config (str | PathLike | Config): A distillation (or student)
            config.
        filename (str): The ``.py`` to write (its folder is created).
        source (str, optional): Where it came from, for the header comment.
            Defaults to the config's file name.

    Returns:
        str: ``filename``.
    """
    cfg = student_config(config)
    if source is None:
        source = (os.fspath(config) if not isinstance(config, Config) else
                  (config.filename or 'a Config object'))
    header = (f'# Student config derived from {source} by '
              'lfcc_mm.apis.student_config:\n'
              '# the plain mmpretrain model the distillation trained, for '
              'tools/test.py,\n# lfcc_mm.apis.init_student and '
              'mmpretrain.apis.init_model.\n')
    folder = osp.dirname(osp.abspath(filename))
    os.makedirs(folder, exist_ok=True)
    tmp = f'{filename}.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write(header + cfg.pretty_text)
    os.replace(tmp, filename)
    return filename


def student_weights(checkpoint: Any, source: str) -> 'dict[str, Any]':
    """The student's state dict of a loaded checkpoint, of either kind.

    Args:
        checkpoint (Any): An exported student checkpoint, a plain model's,
            or a full distillation checkpoint (``architecture.*`` keys).
        source (str): How to name the file in errors.

    Returns:
        OrderedDict[str, Tensor]: Keys as in the plain student model.
    """
    state = state_dict_of(checkpoint, source)
    if is_distillation_state_dict(state):
        state = student_state_dict(state)
    return state


def init_student(config: ConfigType,
                 checkpoint: str,
                 device: Union[str, torch.device] = 'cpu') -> nn.Module:
    """Build a distilled student and load its weights strictly.

    Use it instead of ``mmpretrain.apis.init_model`` with a distillation
    config, which would build the whole algorithm and load no student
    weights. Every pairing works: a distillation config or a student config
    with an exported student checkpoint or a full distillation checkpoint.

    Args:
        config (str | PathLike | Config): A distillation config, a student
            config (e.g. written by ``extract_student.py``) or an mmpretrain
            zoo config name such as
            ``'mmpretrain::resnet/resnet18_8xb32_in1k.py'``.
        checkpoint (str): A local path, URL or mmengine scheme; read with
            torch's weights-only loader.
        device (str | torch.device): Where the model goes. Defaults to
            ``'cpu'``.

    Returns:
        mmpretrain.models.ImageClassifier: In eval mode, with ``_config``
        (the student config) and ``dataset_meta`` (the checkpoint's, else
        the test dataset's), ready for
        ``mmpretrain.apis.ImageClassificationInferencer(model=...)``.

    Raises:
        CheckpointMismatchError: Some weight is missing, unexpected or of
            another shape (one line listing them); nothing is returned.
        UnsafeCheckpointError: The file was refused by the safe loader.
        UserError: A missing config or checkpoint file.
    """
    from mmpretrain.apis import get_model
    cfg = student_config(config)
    if '://' not in str(checkpoint) and not osp.isfile(checkpoint):
        raise UserError(f'checkpoint {str(checkpoint)!r} does not exist '
                        f'(cwd: {osp.abspath(".")})')
    source = f'checkpoint {str(checkpoint)!r}'
    ckpt = load_checkpoint_file(str(checkpoint))
    state = student_weights(ckpt, source)
    model = get_model(cfg, pretrained=False)
    load_weights(model, state, source, hint=_MISMATCH_HINT)
    meta = ckpt.get('meta', {}) if isinstance(ckpt, Mapping) else {}
    if isinstance(meta, Mapping) and meta.get('dataset_meta'):
        model._dataset_meta = dict(meta['dataset_meta'])
    model.to(device)
    model.eval()
    return model
