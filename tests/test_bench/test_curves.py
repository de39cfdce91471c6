"""Training curves: loss-term panels per pair, seeds averaged, smoke labels."""
from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

import lfcc_mm  # noqa: F401
from lfcc_bench import report
from lfcc_bench.report import (ACC_KEY, SMOKE_NOTE, is_smoke_test,
                               loss_panels, plot_curves, run_series,
                               seed_band, write_report)
from lfcc_bench.results import RunRecord


def _write_scalars(log_dir: Path, rows) -> str:
    (log_dir / 'vis_data').mkdir(parents=True)
    with open(log_dir / 'vis_data' / 'scalars.json', 'w') as f:
        for row in rows:
            f.write(json.dumps(row) + '\n')
    return str(log_dir)


def _rec(method, seed, log_dir='', pair='vit-s_res18-w16', command='cmd'):
    return RunRecord(pair=pair, teacher='vit-s', student='res18-w16',
                     method=method, seed=seed, top1=50.0, wall_s=1.0,
                     epochs=2, work_dir='w', log_dir=log_dir, checkpoint='c',
                     command=command, teacher_family='ViT',
                     student_family='CNN')


def _lfcc_kd_log(seed: int):
    """Two iterations and two validations of an lfcc_kd run."""
    return [
        {'loss': 5.0, 'student.loss': 2.0 + seed, 'distill.loss_lfcc_mid':
         1.0, 'distill.loss_lfcc_last': 0.5, 'distill.loss_kd': 0.1 * seed,
         'lr': 0.1, 'step': 10},
        {'accuracy/top1': 30.0 + seed, 'step': 1},
        {'loss': 4.0, 'student.loss': 1.0 + seed, 'distill.loss_lfcc_mid':
         0.8, 'distill.loss_lfcc_last': 0.4, 'distill.loss_kd': 0.2,
         'lr': 0.1, 'step': 20},
        {'accuracy/top1': 40.0 + 2 * seed, 'step': 2},
    ]


@pytest.fixture
def grid(tmp_path):
    """lfcc_kd x 2 seeds, scratch x 1 seed (plain ``loss``), one pair."""
    runs = [_rec('lfcc_kd', s, _write_scalars(tmp_path / f'lk{s}',
                                              _lfcc_kd_log(s)))
            for s in (0, 1)]
    runs.append(_rec('scratch', 0, _write_scalars(
        tmp_path / 'sc', [{'loss': 2.5, 'step': 10},
                          {'accuracy/top1': 20.0, 'step': 1}])))
    return runs


def test_panels_ce_first_then_each_lfcc_tap_then_kd_then_others():
    keys = ['lr', 'loss', 'distill.loss_ofa_mid', 'distill.loss_kd',
            'distill.loss_lfcc_mid', 'student.loss',
            'distill.loss_lfcc_last']
    assert loss_panels(keys) == [
        'ce', 'distill.loss_lfcc_last', 'distill.loss_lfcc_mid',
        'distill.loss_kd', 'distill.loss_ofa_mid']
    assert loss_panels(['lr']) == []
    assert loss_panels(run_series(_lfcc_kd_log(0)))[0] == 'ce'


def test_series_student_ce_distill_terms_and_val_accuracy():
    series = run_series(_lfcc_kd_log(1))
    # the student's CE, not the total loss of a distillation run
    assert series['ce'] == [(10, 3.0), (20, 2.0)]
    assert series['distill.loss_kd'] == [(10, 0.1), (20, 0.2)]
    assert series[ACC_KEY] == [(1, 31.0), (2, 42.0)]
    assert 'lr' not in series
    # a scratch run's only loss is its CE
    assert run_series([{'loss': 2.5, 'step': 3}]) == {'ce': [(3, 2.5)]}


def test_seed_band_is_mean_min_max_per_step():
    xs, mean, low, high = seed_band([[(1, 2.0), (2, 4.0)],
                                     [(1, 4.0), (2, 8.0), (3, 1.0)]])
    assert xs == [1, 2, 3]
    assert mean == [3.0, 6.0, 1.0]
    assert low == [2.0, 4.0, 1.0] and high == [4.0, 8.0, 1.0]


def test_one_figure_per_pair_with_a_panel_per_term(grid, tmp_path,
                                                   monkeypatch):
    drawn = {}
    real = report.plot_pair_curves

    def spy(runs, out_file, smoke=False, colors=None):
        drawn[os.path.basename(out_file)] = sorted({r.method for r in runs})
        return real(runs, out_file, smoke, colors)

    titled = []
    real_title = report.panel_title
    monkeypatch.setattr(report, 'panel_title',
                        lambda key: titled.append(key) or real_title(key))
    monkeypatch.setattr(report, 'plot_pair_curves', spy)
    other = [replace(r, pair='res18-w32_vit-t') for r in grid]
    paths = plot_curves(grid + other, str(tmp_path))
    assert [os.path.basename(p) for p in paths] == [
        'curves_vit-s_res18-w16.png', 'curves_res18-w32_vit-t.png']
    assert drawn['curves_vit-s_res18-w16.png'] == ['lfcc_kd', 'scratch']
    for path in paths:
        with open(path, 'rb') as f:
            assert f.read(8) == b'\x89PNG\r\n\x1a\n'
    # CE, 2 LFCC taps, KD, accuracy: 5 panels in a 3-column grid
    assert titled[:5] == ['ce', 'distill.loss_lfcc_last',
                          'distill.loss_lfcc_mid', 'distill.loss_kd', ACC_KEY]
    assert real_title('distill.loss_lfcc_mid') == (
        'LFCC loss, tap mid (distill.loss_lfcc_mid)')
    from PIL import Image
    width, height = Image.open(paths[0]).size
    assert height > 2 * 110 * 2.5 and width > 3 * 110 * 4


def test_runs_without_logs_get_a_placeholder_not_an_empty_plot(
        tmp_path, monkeypatch):
    said = []
    monkeypatch.setattr(report, '_placeholder',
                        lambda ax, text: said.append(text))
    paths = plot_curves([_rec('kd', 0, log_dir=str(tmp_path / 'gone'))],
                        str(tmp_path))
    assert os.path.isfile(paths[0])
    assert len(said) == 1 and 'scalars.json' in said[0]
    said.clear()
    plot_curves([], str(tmp_path))
    assert said == ['No student runs in these results: nothing to draw']


def test_quick_runs_are_labelled_smoke_tests(grid, tmp_path):
    quick = [replace(r, command='python tools/benchmark/kd_bench.py --quick '
                     '--jobs 2') for r in grid]
    assert is_smoke_test(quick) and not is_smoke_test(grid)
    out = write_report(quick, str(tmp_path))
    assert out['smoke'] is True
    assert os.path.basename(out['top1_plot']) == 'top1_smoke-test.png'
    assert [os.path.basename(p) for p in out['curves_plots']] == [
        'curves_vit-s_res18-w16_smoke-test.png']
    text = (tmp_path / 'results.md').read_text(encoding='utf-8')
    assert text.startswith(f'**{SMOKE_NOTE}.**')
    assert SMOKE_NOTE == 'smoke test (--quick): accuracies mean nothing'
    (tmp_path / 'plain').mkdir()
    plain = write_report(grid, str(tmp_path / 'plain'))
    assert not (tmp_path / 'plain' / 'results.md').read_text(
        encoding='utf-8').startswith('**smoke')
    assert plain['smoke'] is False
    assert os.path.basename(plain['top1_plot']) == 'top1.png'
