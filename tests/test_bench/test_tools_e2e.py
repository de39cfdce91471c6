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
    """One row per run of the digits grid, each with the config it ran; the
    same command again reuses every row."""
    work = str(tmp_path / 'qs')
    args = ['tools/quickstart.py', '--quick', '--work-dir', work]
    proc = run_tool(args, timeout=600)
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
    _assert_png(osp.join(work, 'top1.png'))
    # same command again: nothing is retrained
    again = run_tool(args, timeout=600)
    assert '(4 rows reused)' in again.stdout
    assert [r['wall_s'] for r in _runs(work)] == [r['wall_s'] for r in runs]


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
