"""Helpers of the config tests: find, load, strip and build configs.

Nothing here downloads: ``cfg_path`` models are built with
``pretrained=False``, ``init_cfg`` entries of type ``Pretrained`` are removed
and ``teacher_ckpt`` is cleared before a model is built.
"""
from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any, Dict, List

import lfcc_mm  # noqa: F401  (compat shims before mmrazor is imported)
import torch
from mmengine import Config
from mmengine.registry import MODELS, init_default_scope
from mmpretrain.structures import DataSample
from torch import nn

REPO = Path(__file__).resolve().parents[2]
CONFIGS = REPO / 'configs'

# Short names a README may use; each inherits exactly one full-name config.
ALIASES = {
    'lfcc/vit_res18_in1k.py': 'lfcc/lfcc_deit-s_res18_8xb32_in1k.py',
}

# Input side per dataset type (the configs' crop sizes).
INPUT_SIZE = {'ImageNet': 224, 'CIFAR100': 32}


# Folders with conventions of their own, checked by their own tests: the
# CIFAR-100 OFA-KD protocol (timm models, 224 px; test_cifar100_ofa.py) and
# the benchmark grid (test_benchmark_configs.py); and the configs that
# tools/misc/make_pair_config.py writes (tests/test_taps).
PROTOCOL_DIRS = ('lfcc/cifar100_ofa/', 'benchmark/', 'generated/')


def all_configs() -> List[str]:
    """Every runnable config, as a path relative to ``configs/``.

    The benchmark grid (``configs/benchmark/``) and the CIFAR-100 OFA-KD
    protocol (``configs/lfcc/cifar100_ofa/``) have their own conventions and
    tests and are not listed here.

    Returns:
        list[str]: Sorted paths; ``_base_`` fragments and
        ``PROTOCOL_DIRS`` excluded.
    """
    return sorted(
        str(p.relative_to(CONFIGS)) for p in CONFIGS.rglob('*.py')
        if '_base_' not in p.parts
        and not str(p.relative_to(CONFIGS)).startswith(PROTOCOL_DIRS))


def distill_configs() -> List[str]:
    """The distillation configs (LFCC and baselines), relative paths.

    Teacher fine-tuning, from-scratch (``baselines/scratch/``) and student
    (``students/``) configs train or test one model alone and are not listed.
    """
    return [c for c in all_configs()
            if not c.startswith(('teachers/', 'baselines/scratch/',
                                 'students/'))]


@functools.lru_cache(maxsize=None)
def load(rel_path: str) -> Config:
    """Load ``configs/<rel_path>`` with mmengine (imports ``lfcc_mm``).

    Cached for the session (loading resolves several ``mmpretrain::``
    bases): callers must not modify the returned config.
    """
    return Config.fromfile(str(CONFIGS / rel_path))


def strip_pretrained(cfg: Any) -> Any:
    """Return a copy of a model config that cannot download anything.

    Recursively sets every ``pretrained`` entry to False (``cfg_path``
    models), drops ``init_cfg`` entries of type ``Pretrained`` (from lists
    too) and clears ``teacher_ckpt``.

    Args:
        cfg (Any): A model config (dict / ConfigDict / list / scalar).

    Returns:
        Any: The stripped deep copy.
    """
    if isinstance(cfg, list):
        return [strip_pretrained(c) for c in cfg if not _is_pretrained_init(c)]
    if not isinstance(cfg, dict):
        return copy.deepcopy(cfg)
    out = {}
    for key, value in cfg.items():
        if key == 'pretrained':
            out[key] = False
        elif key == 'teacher_ckpt':
            out[key] = None
        elif key == 'init_cfg' and _is_pretrained_init(value):
            continue
        else:
            out[key] = strip_pretrained(value)
    return out


def _is_pretrained_init(value: Any) -> bool:
    """Whether ``value`` is an ``init_cfg`` dict that loads a checkpoint."""
    return isinstance(value, dict) and value.get('type') == 'Pretrained'


def build_model(cfg: Config) -> nn.Module:
    """Build ``cfg.model`` the way mmengine's Runner does, offline.

    The top-level ``data_preprocessor`` is merged into the model (Runner
    behaviour) and the default scope is the config's.

    Args:
        cfg (Config): A loaded config.

    Returns:
        nn.Module: The model, in train mode.
    """
    init_default_scope(cfg.get('default_scope', 'mmengine'))
    model_cfg = strip_pretrained(cfg.model)
    if cfg.get('data_preprocessor') is not None:
        model_cfg.setdefault('data_preprocessor',
                             copy.deepcopy(cfg.data_preprocessor))
    model = MODELS.build(model_cfg)
    return model.train()


def random_batch(cfg: Config, batch_size: int = 2) -> Dict[str, Any]:
    """A tiny random batch at the config's input size, as a dataloader gives.

    Args:
        cfg (Config): A loaded config (its dataset type sets the size and
            its ``data_preprocessor.num_classes`` the label range).
        batch_size (int): Images in the batch. Defaults to 2.

    Returns:
        dict: ``inputs`` (list of ``(3, S, S)`` uint8) and ``data_samples``.
    """
    size = INPUT_SIZE[cfg.train_dataloader.dataset.type]
    num_classes = cfg.data_preprocessor.num_classes
    gen = torch.Generator().manual_seed(0)
    inputs = [
        torch.randint(
            0, 256, (3, size, size), dtype=torch.uint8, generator=gen)
        for _ in range(batch_size)
    ]
    labels = torch.randint(0, num_classes, (batch_size, ), generator=gen)
    samples = [DataSample().set_gt_label(int(lb)) for lb in labels]
    return dict(inputs=inputs, data_samples=samples)
