"""Overhead benchmark: LFCC step vs. floor, both built from one config."""
from __future__ import annotations

import os.path as osp
import re

import pytest

import lfcc_mm  # noqa: F401
from lfcc_bench import overhead
from lfcc_bench.overhead import (BENCH_DIR, DEFAULT_CONFIG, Case,
                                    Measurement, config_case,
                                    load_lfcc_config, measure,
                                    measure_in_subprocess, overhead_table,
                                    pair_case)
from lfcc_mm.cli import UserError

from .conftest import REPO


@pytest.mark.parametrize('mode', ['floor', 'lfcc'])
def test_measure_reports_positive_time_and_memory(mode):
    """In a fresh process, as the tool measures: ``ru_maxrss`` is the
    process's all-time peak, so in a long-lived process (this test session)
    its growth over the current RSS means nothing."""
    config = pair_case('res18-w32_mixer-t').config
    m = measure_in_subprocess(mode, config, batch_size=4, img_size=32,
                              steps=2, warmup=1, threads=1)
    assert m.mode == mode and m.step_s > 0
    assert m.peak_mb > 0 and 'RSS' in m.memory


def test_measure_rejects_unknown_mode():
    with pytest.raises(ValueError, match='mode must be one of'):
        measure('ofa', DEFAULT_CONFIG, 2, 32)


def test_pair_names_resolve_to_the_lfcc_kd_config_of_the_grid():
    case = pair_case('res18-w32_vit-t')
    assert case == Case('res18-w32 → vit-t', osp.join(
        BENCH_DIR, 'lfcc_kd_res18-w32_vit-t_cifar10.py'))
    assert pair_case('vit-s_res18-w16', method='lfcc').config.endswith(
        '/lfcc_vit-s_res18-w16_cifar10.py')
    with pytest.raises(UserError, match=r"'nope' is not a pair of .*pairs "
                       r"there: \['res18-w32_mixer-t'"):
        pair_case('nope')
    with pytest.raises(UserError, match="has no 'lfcc_x' config; methods "
                       r"there: \['crd'"):
        pair_case('res18-w32_vit-t', method='lfcc_x')


def test_measured_models_are_the_configs():
    """Floor and LFCC step build the student and teacher of one config."""
    cfg = load_lfcc_config(pair_case('vit-s_res18-w16').config)
    assert cfg.model.architecture.backbone.type == 'ResNet_CIFAR'
    assert cfg.model.teacher.backbone.type == 'VisionTransformer'
    assert set(cfg.model.distiller.distill_losses) == {
        'loss_lfcc_mid', 'loss_lfcc_last', 'loss_kd'}
    default = load_lfcc_config(DEFAULT_CONFIG)
    assert 'deit-small' in default.model.teacher.cfg_path
    assert 'resnet18' in default.model.architecture.cfg_path
    assert config_case(DEFAULT_CONFIG).label == \
        'lfcc-kd_deit-s_res18_8xb32_in1k'


@pytest.mark.parametrize('name, message', [
    ('scratch_res18-w32_vit-t_cifar10.py', 'model has no teacher'),
    ('kd_res18-w32_vit-t_cifar10.py',
     r"no LFCCLoss in model.distiller.distill_losses \(found "
     r"\['KLDivergence'\]\)"),
])
def test_configs_without_lfcc_are_refused(name, message):
    with pytest.raises(UserError, match=message):
        load_lfcc_config(osp.join(BENCH_DIR, name))
    with pytest.raises(UserError, match='does not exist'):
        load_lfcc_config('nope.py')


def test_table_prints_ratios(monkeypatch):
    fake = {'floor': Measurement('floor', 0.2, 100.0, 'rss'),
            'lfcc': Measurement('lfcc', 0.3, 150.0, 'rss')}
    seen = []

    def fake_measure(mode, config, *args, **kwargs):
        seen.append((mode, config))
        return fake[mode]

    monkeypatch.setattr(overhead, 'measure_in_subprocess', fake_measure)
    case = pair_case('res18-w32_vit-t')
    table = overhead_table([case], batch_size=8, img_size=32)
    assert ('| res18-w32 → vit-t | 0.200 | 0.300 | 1.50x | 100 | 150 | '
            '1.50x |') in table
    assert table.startswith('Overhead at batch 8, 32x32 inputs')
    assert seen == [('floor', case.config), ('lfcc', case.config)]


@pytest.mark.slow
def test_tool_runs_each_mode_in_a_subprocess(tmp_path):
    from .conftest import run_tool
    out = tmp_path / 'overhead.md'
    proc = run_tool(['tools/benchmark/overhead.py', '--pairs',
                     'res18-w32_vit-t', '--batch-size', '4', '--steps', '1',
                     '--warmup', '1', '--threads', '1', '--out', str(out)])
    row = (r'\| res18-w32 → vit-t \| [\d.]+ \| [\d.]+ \| [\d.]+x \| '
           r'-?\d+ \| -?\d+ \| -?[\d.]+x \|')
    assert 'Overhead at batch 4, 32x32 inputs' in proc.stdout
    assert re.search(row, proc.stdout)
    assert re.search(row, out.read_text())


def test_tool_errors_are_one_line(tool_main):
    proc = tool_main('tools/benchmark/overhead.py', ['--pairs', 'nope'],
                     cwd=REPO)  # in-process: main(argv)
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith(
        "overhead.py: error: --pairs: 'nope' is not a pair of ")
    assert len(proc.stderr.strip().splitlines()) == 1
