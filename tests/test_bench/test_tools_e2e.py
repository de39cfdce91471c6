"""End to end: the README's quickstart command, in --quick mode, writes its
outputs.

(kd_bench end to end: ``test_kd_bench.py``.)
"""
from __future__ import annotations

import json
import math
import os
import os.path as osp
import subprocess

import pytest

from .conftest import REPO


def _runs(work_dir):
    with open(osp.join(work_dir, 'results.json')) as f:
        return json.load(f)['runs']


def _assert_png(path):
    with open(path, 'rb') as f:
        assert f.read(8) == b'\x89PNG\r\n\x1a\n'


def _quickstart(args):
    """The README's set-up command ``bash scripts/quickstart.sh`` (which
    runs ``tools/quickstart.py``), as a user runs it, from the repo root."""
    proc = subprocess.run(
        ['bash', 'scripts/quickstart.sh'] + args, cwd=REPO,
        capture_output=True, text=True, timeout=600,
        env=dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1',
                 PYTHONWARNINGS='ignore'))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


@pytest.mark.slow
def test_quickstart_quick(tmp_path):
    """The README's quickstart command in its quick mode: one row per run of
    the digits grid, each with the config it ran; the same command again
    reuses every row."""
    work = str(tmp_path / 'qs')
    args = ['--quick', '--work-dir', work]
    proc = _quickstart(args)
    assert 'LFCC' in proc.stdout
    runs = _runs(work)
    grid = 'configs/benchmark/digits/'
    assert [(r['method'], r['config']) for r in runs] == [
        ('teacher', grid + 'teachers/resnet18-w16_digits.py'),
        ('scratch', grid + 'scratch_resnet18-w16_vit-t_digits.py'),
        ('kd', grid + 'kd_resnet18-w16_vit-t_digits.py'),
        ('lfcc_kd', grid + 'lfcc_kd_resnet18-w16_vit-t_digits.py')]
    assert all(math.isfinite(r['top1']) and 0 <= r['top1'] <= 100
               for r in runs)
    assert all(r['wall_s'] > 0 and osp.isfile(r['checkpoint']) for r in runs)
    assert all(r['epochs'] == 1 and r['seed'] == 0 for r in runs)
    assert {r['student'] for r in runs[1:]} == {'vit-t'}
    assert {r['pair'] for r in runs[1:]} == {'resnet18-w16_vit-t'}
    assert {r['teacher'] for r in runs} == {'resnet18-w16'}
    assert runs[0]['teacher_family'] == 'CNN'
    assert {r['student_family'] for r in runs[1:]} == {'ViT'}
    # the distilled students learnt from the recorded teacher weights
    assert {r['teacher_sha256'] for r in runs[2:]} == {
        runs[0]['teacher_sha256']}
    assert runs[1]['teacher_sha256'] is None
    settings = runs[0]['settings']
    assert (settings['train_per_class'], settings['epochs'],
            settings['teacher_epochs']) == (13, 1, 1)
    assert settings['numerics']['cpu_isa'] == 'avx2'
    assert all('tools/quickstart.py --quick' in r['command'] for r in runs)
    assert '| vit-t (ViT) | lfcc_kd |' in proc.stdout
    assert 'Total wall time' in proc.stdout
    legend = open(osp.join(work, 'results.md')).read()
    assert '`lfcc_kd`: cross-entropy + LFCC on the two taps + the logit KD' \
        in legend
    # a --quick run says it is a smoke test, in its files and on screen
    assert legend.startswith('**smoke test (--quick): accuracies mean '
                             'nothing.**')
    assert 'This was a smoke test (--quick)' in proc.stdout
    _assert_png(osp.join(work, 'top1_smoke-test.png'))
    _assert_png(osp.join(work, 'curves_resnet18-w16_vit-t_smoke-test.png'))
    # same command again: nothing is retrained
    again = _quickstart(args)
    assert '(4 rows reused)' in again.stdout
    assert [r['wall_s'] for r in _runs(work)] == [r['wall_s'] for r in runs]
