"""Summary statistics, model-zoo table and plots from results."""
from __future__ import annotations

import json
import os

import pytest

import lfcc_mm  # noqa: F401
from lfcc_mm.bench.engine import RunRecord, load_results, save_results
from lfcc_mm.bench.report import (markdown_table, plot_curves, plot_top1,
                                  summarize)


def _rec(method, seed, top1, pair='cnn2vit', log_dir=''):
    teacher = 'resnet18-w32'
    return RunRecord(pair=None if method == 'teacher' else pair,
                     teacher=teacher,
                     student=None if method == 'teacher' else 'vit-t',
                     method=method, seed=seed, top1=top1, wall_s=10.0,
                     epochs=1, work_dir='w', log_dir=log_dir,
                     checkpoint='c', command='cmd')


def test_summarize_mean_std_and_delta():
    rows = summarize([_rec('teacher', 0, 90.0),
                      _rec('scratch', 0, 50.0), _rec('scratch', 1, 54.0),
                      _rec('lfcc', 0, 60.0), _rec('lfcc', 1, 62.0)])
    assert [r.method for r in rows] == ['teacher', 'scratch', 'lfcc']
    scratch, lfcc = rows[1], rows[2]
    assert scratch.mean == 52.0 and scratch.std == pytest.approx(2.8284, 1e-3)
    assert lfcc.delta == pytest.approx(9.0) and scratch.delta is None
    table = markdown_table(rows).splitlines()
    assert table[0].startswith('| Teacher | Student | Method | Top-1 (%) | '
                               'Δ vs scratch |')
    assert '| 61.00 ± 1.41 | +9.00 | 2 |' in table[4]
    assert 'resnet18-w32 (CNN)' in table[2] and 'vit-t (ViT)' in table[3]


def test_results_json_roundtrip(tmp_path):
    recs = [_rec('scratch', 0, 50.0), _rec('kd', 0, 51.0)]
    path = save_results(str(tmp_path), recs, dict(note='x'))
    data = json.load(open(path))
    assert data['settings'] == dict(note='x')
    assert {'pair', 'method', 'seed', 'top1', 'wall_s', 'command'} <= set(
        data['runs'][0])
    assert load_results(str(tmp_path)) == recs


def test_plots_write_png(tmp_path):
    log_dir = tmp_path / 'log'
    (log_dir / 'vis_data').mkdir(parents=True)
    with open(log_dir / 'vis_data' / 'scalars.json', 'w') as f:
        for step in (1, 2, 3):
            f.write(json.dumps({'step': step, 'student.loss': 3.0 / step})
                    + '\n')
    recs = [_rec('teacher', 0, 90.0), _rec('scratch', 0, 50.0),
            _rec('kd', 0, 55.0, log_dir=str(log_dir))]
    for path in (plot_top1(summarize(recs), str(tmp_path / 'top1.png')),
                 plot_curves(recs, str(tmp_path / 'curves.png'))):
        with open(path, 'rb') as f:
            assert f.read(8) == b'\x89PNG\r\n\x1a\n'
        assert os.path.getsize(path) > 1000


def test_report_never_mixes_settings_groups(tmp_path):
    from dataclasses import replace

    from lfcc_mm.bench.report import report_markdown, write_report
    old = [replace(_rec('scratch', s, 50.0 + s), settings_id='a',
                   settings=dict(schedule=dict(lr=0.002))) for s in (0, 1)]
    new = [replace(_rec('scratch', 0, 70.0), settings_id='b',
                   settings=dict(schedule=dict(lr=0.001)))]
    legacy = [_rec('kd', 0, 10.0)]  # written before rows had settings
    md = report_markdown(legacy + old + new, current='b')
    sections = md.split('\n\n')
    assert sections[0].startswith('Settings `b` (this run')
    assert '| 70.00 | — | 1 |' in sections[1]
    assert 'schedule.lr = 0.002 (this run: 0.001)' in sections[4]
    assert '| 50.50 ± 0.71 | — | 2 |' in sections[5]
    assert sections[2].startswith('Rows recorded before each row stored')
    assert '| 10.00 |' in sections[3]
    report = write_report(legacy + old + new, str(tmp_path), current='b')
    assert report['markdown'].count('\n') == 3  # header, rule, one row
    assert open(report['table']).read() == md
