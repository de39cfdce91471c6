"""Summary statistics, model-zoo table and plots from results."""
from __future__ import annotations

import json
import os
from dataclasses import replace

import pytest

import lfcc_mm  # noqa: F401
from lfcc_bench.results import RunRecord, load_results, save_results
from lfcc_bench.report import (legend_markdown, markdown_table,
                                  method_legend, plot_curves, plot_top1,
                                  report_markdown, summarize, weak_teachers,
                                  write_report)

from .bench_rows import grid_rows

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BENCH_DIR = os.path.join(REPO, 'configs', 'benchmark', 'cifar10')


def _rec(method, seed, top1, pair='cnn2vit', log_dir='', family='CNN'):
    teacher = 'resnet18-w32'
    return RunRecord(pair=None if method == 'teacher' else pair,
                     teacher=teacher,
                     student=None if method == 'teacher' else 'vit-t',
                     method=method, seed=seed, top1=top1, wall_s=10.0,
                     epochs=1, work_dir='w', log_dir=log_dir,
                     checkpoint='c', command='cmd', teacher_family=family,
                     student_family='' if method == 'teacher' else 'ViT')


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
    assert table[2].startswith('| resnet18-w32 (CNN) | — (teacher itself) '
                               '| teacher | 90.00 |')
    assert table[3].startswith('| resnet18-w32 (CNN) | vit-t (ViT) | '
                               'scratch |')
    assert '| lfcc |' in table[4]  # method names as in configs and results


def test_models_without_a_family_are_shown_by_name():
    table = markdown_table(summarize([_rec('kd', 0, 50.0, family='')]))
    assert '| resnet18-w32 | vit-t (ViT) | kd |' in table


def test_teacher_check_flags_only_the_weak_teacher():
    rows = summarize(grid_rows())
    weak = weak_teachers(rows)
    assert [(w.pair, w.teacher, w.teacher_top1, w.scratch_top1)
            for w in weak] == [('res18-w32_vit-t', 'res18-w32', 44.0, 40.0)]
    assert str(weak[0]) == ('⚠ res18-w32_vit-t: teacher res18-w32 44.00 < '
                            'scratch 40.00 + 5')
    # 44 >= 40 + 4: not weak with a smaller margin; no scratch: not checked
    assert weak_teachers(rows, margin=4.0) == []
    assert weak_teachers([r for r in rows if r.method != 'scratch']) == []
    md = report_markdown(grid_rows(), current='g1')
    flagged = [line for line in md.splitlines() if '⚠' in line]
    assert len(flagged) == 1 and flagged[0].startswith(
        '- ⚠ res18-w32_vit-t: teacher res18-w32 44.00 < scratch 40.00 + 5')
    # the flag follows the table, as its own paragraph
    assert md.index('| res18-w32 (CNN) | vit-t (ViT) | lfcc |') < md.index(
        '\n\n- ⚠')


def test_method_legend_reads_the_method_docstrings():
    legend = method_legend(BENCH_DIR)
    assert legend['lfcc'] == ('lfcc: cross-entropy + LFCC on the two taps '
                              '(no logit KD).')
    assert legend['lfcc_kd'].startswith('lfcc_kd: ``lfcc`` plus the logit KD')
    assert legend['lfcc_s1'].startswith('lfcc_s1 (ablation): ')
    assert method_legend(None) == {} and method_legend('/nonexistent') == {}
    text = legend_markdown(dict(legend, odd='no name prefix'),
                           ['scratch', 'lfcc', 'odd', 'unknown'])
    assert text.splitlines() == [
        'Methods:', '',
        '- `scratch`: the student alone, cross-entropy only (no teacher, no '
        'distiller).',
        '- `lfcc`: cross-entropy + LFCC on the two taps (no logit KD).',
        '- `odd`: no name prefix']
    md = report_markdown(grid_rows(), current='g1', legend=legend)
    assert md.endswith(legend_markdown(legend, ['scratch', 'kd', 'lfcc']))
    assert 'Methods:' not in report_markdown(grid_rows(), current='g1')


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
                 *plot_curves(recs, str(tmp_path))):
        with open(path, 'rb') as f:
            assert f.read(8) == b'\x89PNG\r\n\x1a\n'
        assert os.path.getsize(path) > 1000


def test_plots_scale_to_the_full_grid(tmp_path):
    """15 methods x 4 pairs: one panel per pair, two panels per row."""
    from PIL import Image
    methods = ['scratch', 'kd', 'dkd', 'fitnet', 'crd', 'ofa', 'lfcc',
               'lfcc_kd', 'lfcc_s1', 'lfcc_s4', 'lfcc_dct', 'lfcc_nonorm',
               'lfcc_tau05', 'lfcc_d32', 'lfcc_last']
    pairs = [('vit-s', 'res18-w16'), ('res18-w32', 'vit-t'),
             ('res18-w32', 'mixer-t'), ('vit-s', 'mixer-t')]
    families = {'vit-s': 'ViT', 'res18-w16': 'CNN', 'res18-w32': 'CNN',
                'vit-t': 'ViT', 'mixer-t': 'MLP-Mixer'}
    recs = [replace(_rec(m, s, 50.0 + i + s), pair=f'{t}_{st}', teacher=t,
                    student=st, teacher_family=families[t],
                    student_family=families[st])
            for t, st in pairs for i, m in enumerate(methods)
            for s in range(2)]
    path = plot_top1(summarize(recs), str(tmp_path / 'top1.png'))
    width, height = Image.open(path).size
    assert width > 1.5 * 120 * 0.42 * 15 and height > 2 * 120 * 3.5
    assert all(os.path.getsize(p) > 1000
               for p in plot_curves(recs, str(tmp_path)))


def test_report_never_mixes_settings_groups(tmp_path):
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


def test_write_report_returns_the_weak_teachers_and_writes_the_legend(
        tmp_path):
    report = write_report(grid_rows(), str(tmp_path), current='g1',
                          bench_dir=BENCH_DIR)
    assert [w.pair for w in report['weak_teachers']] == ['res18-w32_vit-t']
    md = open(report['table'], encoding='utf-8').read()
    assert '- `kd`: Hinton KD' in md and '⚠ res18-w32_vit-t' in md
    assert '⚠' not in report['markdown']  # the table alone
