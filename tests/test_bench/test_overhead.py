"""Overhead benchmark: LFCC step vs. floor (student step + teacher forward)."""
from __future__ import annotations

import re

import pytest

import lfcc_mm  # noqa: F401
from lfcc_mm.bench import overhead
from lfcc_mm.bench.overhead import (Measurement, measure,
                                    measure_in_subprocess, overhead_table)
from lfcc_mm.bench.zoo import PAIRS


@pytest.mark.parametrize('mode', ['floor', 'lfcc'])
def test_measure_reports_positive_time_and_memory(mode):
    """In a fresh process, as the tool measures: ``ru_maxrss`` is the
    process's all-time peak, so in a long-lived process (this test session)
    its growth over the current RSS means nothing."""
    m = measure_in_subprocess(mode, 'cnn2mixer', batch_size=4, img_size=32,
                              steps=2, warmup=1, threads=1)
    assert m.mode == mode and m.step_s > 0
    assert m.peak_mb > 0 and 'RSS' in m.memory


def test_measure_rejects_unknown_mode():
    with pytest.raises(ValueError, match='mode must be one of'):
        measure('ofa', PAIRS['cnn2vit'], 2, 32)


def test_default_pair_is_deit_s_teacher_resnet18_student():
    pair = overhead._pair('deit-s2resnet18')
    assert (pair.teacher, pair.student) == ('deit-s', 'resnet18')
    assert pair.teacher_spec.backbone['arch'] == 'deit-small'
    with pytest.raises(KeyError, match="unknown pair 'nope'"):
        overhead._pair('nope')


def test_table_prints_ratios(monkeypatch):
    fake = {'floor': Measurement('floor', 0.2, 100.0, 'rss'),
            'lfcc': Measurement('lfcc', 0.3, 150.0, 'rss')}
    monkeypatch.setattr(overhead, 'measure_in_subprocess',
                        lambda mode, *a, **k: fake[mode])
    table = overhead_table([PAIRS['cnn2vit']], batch_size=8, img_size=32)
    assert ('| resnet18-w32 → vit-t | 0.200 | 0.300 | 1.50x | 100 | 150 | '
            '1.50x |') in table


@pytest.mark.slow
def test_tool_runs_each_mode_in_a_subprocess(tmp_path):
    from .conftest import run_tool
    out = tmp_path / 'overhead.md'
    proc = run_tool(['tools/benchmark/overhead.py', '--pairs', 'cnn2vit',
                     '--img-size', '32', '--batch-size', '4', '--steps', '1',
                     '--warmup', '1', '--threads', '1', '--out', str(out)])
    row = (r'\| resnet18-w32 → vit-t \| [\d.]+ \| [\d.]+ \| [\d.]+x \| '
           r'-?\d+ \| -?\d+ \| -?[\d.]+x \|')
    assert re.search(row, proc.stdout)
    assert re.search(row, out.read_text())
