"""The committed CIFAR-10 rows keep their fingerprints.

A row of ``results/benchmark_cifar10/results.json`` is reused only
while the fingerprint of its run (resolved config minus what does not shape
a result, the teacher's content hash, the context) is unchanged; hooks that
do not shape a result (the non-finite check, the work-dir lock, the atomic
checkpoint hook) must leave it as it is. The context's class list is the
CIFAR-10 folder names (no data is read); rows whose config needs the data
on disk to resolve (CRD counts the training set) are skipped.
"""
import json
from pathlib import Path
from typing import Any, Dict, List

import pytest

import lfcc_mm  # noqa: F401 - compat shims before mmrazor
from lfcc_bench.fingerprint import (run_fingerprint, shaping_config,
                                      stable_hash)
from lfcc_bench.run_config import load_bench_config

REPO = Path(__file__).resolve().parents[2]
RESULTS = REPO / 'results' / 'benchmark_cifar10' / 'results.json'
CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog',
                   'frog', 'horse', 'ship', 'truck']
NO_TEACHER = ('teacher', 'scratch')


def _rows() -> List[Dict[str, Any]]:
    """One committed row per (config, seed) whose config needs no data."""
    with open(RESULTS) as f:
        runs = json.load(f)['runs']
    seen, rows = set(), []
    for row in runs:
        key = (row['config'], row['seed'])
        if key in seen or row['method'] == 'crd':
            continue
        seen.add(key)
        rows.append(row)
    return rows


ROWS = _rows()


def _fingerprint(row: Dict[str, Any]) -> str:
    """The run fingerprint of a committed row, recomputed as the driver."""
    settings = row['settings']
    teacher = row['method'] == 'teacher'
    kwargs: Dict[str, Any] = dict(seed=row['seed'],
                                  cfg_options=settings.get('cfg_options'))
    kwargs.update({k: v for k, v in settings['data'].items() if v is not None})
    per_class = settings['teacher_train_per_class' if teacher
                         else 'train_per_class']
    if per_class is not None:
        kwargs['train_per_class'] = per_class
    epochs = settings['teacher_epochs' if teacher else 'epochs']
    if epochs is not None:
        kwargs['epochs'] = epochs
    if row['method'] not in NO_TEACHER:
        kwargs['teacher_ckpt'] = 'teacher.pth'  # replaced by its hash
    cfg = load_bench_config(str(REPO / row['config']), '', **kwargs)
    hooks = cfg.default_hooks
    assert hooks.checkpoint.type == 'AtomicCheckpointHook'
    assert 'non_finite' in hooks and 'work_dir_lock' in hooks
    assert 'non_finite' not in shaping_config(cfg, 'x')['default_hooks']
    context = dict(numerics=settings['numerics'],
                   data=dict(dataset='FolderSubsetDataset',
                             classes=CIFAR10_CLASSES))
    run_fp = run_fingerprint(
        cfg, None if row['method'] in NO_TEACHER else row['teacher_sha256'],
        context)
    if teacher and not row['trained']:  # shipped weights, tested: they too
        return stable_hash(dict(run=run_fp, weights=row['teacher_sha256']),
                           16)
    return run_fp


def test_rows_to_check():
    assert len(ROWS) > 40  # every pair, method and seed but CRD's


@pytest.mark.parametrize(
    'row', ROWS, ids=[f"{Path(r['config']).stem}-s{r['seed']}" for r in ROWS])
def test_committed_fingerprint_unchanged(row):
    assert _fingerprint(row) == row['fingerprint']
