"""End to end: quickstart and kd_bench.py in --quick mode write outputs."""
from __future__ import annotations

import json
import math
import os.path as osp

import pytest

from .conftest import make_image_folder, run_tool


def _runs(work_dir):
    with open(osp.join(work_dir, 'results.json')) as f:
        return json.load(f)['runs']


def _assert_png(path):
    with open(path, 'rb') as f:
        assert f.read(8) == b'\x89PNG\r\n\x1a\n'


@pytest.mark.slow
def test_quickstart_quick(tmp_path):
    work = str(tmp_path / 'qs')
    proc = run_tool(['tools/quickstart.py', '--quick', '--work-dir', work])
    runs = _runs(work)
    assert [r['method'] for r in runs] == ['teacher', 'scratch', 'kd', 'lfcc']
    assert all(math.isfinite(r['top1']) and 0 <= r['top1'] <= 100
               for r in runs)
    assert all(r['wall_s'] > 0 and osp.isfile(r['checkpoint']) for r in runs)
    assert {r['student'] for r in runs[1:]} == {'vit-t'}
    assert runs[0]['teacher'] == 'resnet18-w16'
    assert 'vanilla KD' in proc.stdout and 'Total wall time' in proc.stdout
    assert 'eta:' in proc.stdout + proc.stderr  # mmengine progress logs
    _assert_png(osp.join(work, 'top1.png'))


@pytest.mark.slow
def test_kd_bench_quick_then_resume(tmp_path):
    """9 training images, batch 4: the last batch of one is dropped, so the
    contrastive loss never sees B=1; the same command again reuses all."""
    train, test = str(tmp_path / 'train'), str(tmp_path / 'test')
    make_image_folder(train, 3, seed=0)  # 3 classes x 3 = 9 = 2 * 4 + 1
    make_image_folder(test, 2, seed=1)
    work = str(tmp_path / 'bench')
    args = ['tools/benchmark/kd_bench.py', '--quick',
            '--train-root', train, '--test-root', test, '--work-dir', work,
            '--pairs', 'vit2cnn', 'cnn2mixer', '--num-workers', '0',
            '--batch-size', '4']
    run_tool(args)
    runs = _runs(work)
    students = [r for r in runs if r['method'] != 'teacher']
    assert sorted((r['pair'], r['method']) for r in students) == sorted(
        (p, m) for p in ('vit2cnn', 'cnn2mixer')
        for m in ('scratch', 'kd', 'lfcc', 'ofa'))
    assert sorted(r['teacher'] for r in runs if r['method'] == 'teacher') \
        == ['resnet18-w32', 'vit-s']
    assert all('kd_bench.py' in r['command'] for r in runs)
    assert len({r['settings_id'] for r in runs}) == 1
    assert all(r['settings']['numerics']['cpu_isa'] == 'avx2' for r in runs)
    table = open(osp.join(work, 'results.md')).read()
    assert table.startswith('Settings `')
    assert table.count('| Teacher | Student | Method | Top-1 (%) |') == 1
    assert table.count('| LFCC (+ logit KD) |') == 2
    assert table.count('| OFA |') == 2
    _assert_png(osp.join(work, 'top1.png'))
    _assert_png(osp.join(work, 'curves.png'))
    # same command again: nothing is retrained, every row is reused
    run_tool(args)
    again = _runs(work)
    assert [r['wall_s'] for r in again] == [r['wall_s'] for r in runs]
    assert all(r['reused'] for r in again)
