"""Every shipped config runs with the run-safety hooks.

Walks every config file under ``configs/`` (the ``_base_`` fragments
excepted) and checks, on the resolved config, that its checkpoints are
written atomically (:class:`~lfcc_mm.engine.AtomicCheckpointHook`), that a
non-finite loss stops it (:class:`~lfcc_mm.engine.NonFiniteLossHook`), that
it locks its work dir (:class:`~lfcc_mm.engine.WorkDirLockHook`), that it
checks its last batch (:class:`~lfcc_mm.engine.LastBatchCheckHook`) and
that it imports ``lfcc_mm``, which registers them.
"""
from pathlib import Path
from typing import List

import pytest
from mmengine.config import Config

import lfcc_mm  # noqa: F401 - compat shims before mmrazor
from lfcc_bench.fingerprint import NOT_SHAPING_HOOKS

CONFIGS = Path(__file__).resolve().parents[2] / 'configs'
SAFETY_HOOKS = dict(checkpoint='AtomicCheckpointHook',
                    non_finite='NonFiniteLossHook',
                    work_dir_lock='WorkDirLockHook',
                    batch_check='LastBatchCheckHook')


def shipped_configs() -> List[str]:
    """Every runnable config, relative to ``configs/``."""
    return sorted(str(p.relative_to(CONFIGS)) for p in CONFIGS.rglob('*.py')
                  if '_base_' not in p.parts)


def test_the_walk_finds_every_family():
    found = shipped_configs()
    assert len(found) > 100
    for prefix in ('benchmark/cifar10/', 'benchmark/digits/',
                   'lfcc/cifar100_ofa/', 'teachers/', 'baselines/'):
        assert any(c.startswith(prefix) for c in found), prefix


@pytest.mark.parametrize('rel_path', shipped_configs())
def test_config_has_the_safety_hooks(rel_path):
    cfg = Config.fromfile(str(CONFIGS / rel_path))
    hooks = cfg.get('default_hooks') or {}
    for key, hook_type in SAFETY_HOOKS.items():
        assert key in hooks, f'{rel_path}: default_hooks.{key} missing'
        assert hooks[key]['type'].split('.')[-1] == hook_type, (
            rel_path, key, hooks[key])
    assert hooks['non_finite'].get('enabled', True) is True, rel_path
    assert 'lfcc_mm' in cfg.custom_imports['imports'], rel_path


def test_safety_hooks_do_not_shape_benchmark_results():
    """A run's fingerprint ignores them (committed rows keep theirs; see
    tests/test_configs/test_benchmark_configs.py::
    test_committed_rows_keep_their_fingerprint)."""
    assert set(SAFETY_HOOKS) <= set(NOT_SHAPING_HOOKS)
