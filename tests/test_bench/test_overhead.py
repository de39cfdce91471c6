"""Overhead benchmark: any method's step vs. the floor, interleaved repeats."""
from __future__ import annotations

import json
import os.path as osp
import re
import statistics

import pytest

import lfcc_mm  # noqa: F401
from lfcc_bench import overhead
from lfcc_bench.overhead import (BENCH_DIR, DEFAULT_CONFIGS, Group,
                                    Measurement, Mode, Settings,
                                    config_group, interleaved_order,
                                    load_distill_config, measure, pair_group,
                                    run_groups, summarize, table_from_records)
from lfcc_mm.cli import UserError

from .conftest import REPO

PAIR = 'res18-w32_vit-t'


def _bench(method, pair=PAIR):
    return osp.join(BENCH_DIR, f'{method}_{pair}_cifar10.py')


def test_interleaved_order_rotates_every_round():
    assert interleaved_order(3, 4) == [[0, 1, 2], [1, 2, 0], [2, 0, 1],
                                       [0, 1, 2]]
    order = interleaved_order(4, 5)
    assert all(sorted(r) == [0, 1, 2, 3] for r in order)  # once per round
    assert [r[0] for r in order] == [0, 1, 2, 3, 0]  # no mode always first
    assert interleaved_order(2, 1) == [[0, 1]]
    with pytest.raises(ValueError, match='repeats must be >= 1, got 0'):
        interleaved_order(2, 0)


def test_measure_rejects_unknown_mode():
    with pytest.raises(ValueError, match='mode must be one of'):
        measure('lfcc', DEFAULT_CONFIGS[0], 2, 32)


def test_pair_group_is_the_floor_then_the_methods_of_the_grid():
    group = pair_group(PAIR, ['kd', 'lfcc'])
    assert group == Group('res18-w32 → vit-t', (
        Mode('floor', 'floor', _bench('kd')),
        Mode('kd', 'method', _bench('kd')),
        Mode('lfcc', 'method', _bench('lfcc'))))
    assert [m.name for m in pair_group(PAIR).modes] == [
        'floor', 'kd', 'ofa', 'lfcc', 'lfcc_kd']


def test_methods_all_is_every_measurable_method_of_the_pair():
    names = [m.name for m in pair_group('vit-s_res18-w16', ['all']).modes]
    assert names[0] == 'floor'
    assert {'kd', 'dkd', 'ofa', 'fitnet', 'lfcc', 'lfcc_kd'} <= set(names)
    assert 'scratch' not in names and 'crd' not in names
    assert names[1:] == sorted(names[1:])


@pytest.mark.parametrize('pair, methods, message', [
    ('nope', ['kd'], r"--pairs: 'nope' is not a pair of .*pairs there: "
     r"\['res18-w32_mixer-t'"),
    (PAIR, ['kd', 'lfcc_x'], r"--methods: pair res18-w32_vit-t of .* has no "
     r"'lfcc_x' config; methods there: \['crd'"),
    (PAIR, ['kd', 'kd'], 'a method is named twice'),
    (PAIR, ['kd', 'crd'], r'crd_res18-w32_vit-t_cifar10.py: this method '
     r'\(CRD\) reads dataset indices .* cannot be measured with random '
     'inputs'),
])
def test_pair_group_errors_name_the_flag(pair, methods, message):
    with pytest.raises(UserError, match=message):
        pair_group(pair, methods)


def test_any_distillation_config_is_measurable_but_crd_and_scratch():
    cfg = load_distill_config(_bench('kd'))  # no LFCCLoss needed any more
    assert set(cfg.model.distiller.distill_losses) == {'loss_kd'}
    for name, message in [('scratch', 'model has no teacher and '
                           'architecture'),
                          ('crd', r'reads dataset indices \(CRDLoss')]:
        with pytest.raises(UserError, match=message):
            load_distill_config(_bench(name))
    with pytest.raises(UserError, match="config 'nope.py' does not exist"):
        load_distill_config('nope.py')


def test_config_group_is_the_big_imagenet_pair():
    group = config_group(DEFAULT_CONFIGS)
    assert group.label == 'deit-s → res18'
    assert [m.name for m in group.modes] == [
        'floor', 'lfcc-kd', 'lfcc', 'kd', 'ofa', 'dkd']
    assert group.modes[0] == Mode('floor', 'floor', DEFAULT_CONFIGS[0])
    assert all(osp.isfile(c) for c in DEFAULT_CONFIGS)


@pytest.mark.parametrize('other, what', [
    ('configs/baselines/kd/kd_mixer-b_res18_8xb32_in1k.py', 'teacher'),
    ('configs/baselines/kd/kd_deit-s_mixer-s_8xb128_in1k.py', 'student'),
])
def test_config_group_refuses_different_models_in_one_line(other, what):
    first = DEFAULT_CONFIGS[2]  # kd_deit-s_res18
    with pytest.raises(UserError) as info:
        config_group([first, osp.join(REPO, other)])
    message = str(info.value)
    assert '\n' not in message
    assert message.startswith(f'--configs: {first} and ')
    assert other in message and f'different {what}' in message


def _fake_measure(values):
    """A measure_in_subprocess that records its calls; values[name] lists
    the (step_s, peak_mb) of successive calls of that mode."""
    seen, left = [], {k: list(v) for k, v in values.items()}

    def fake(mode, config, batch_size, img_size, steps, warmup, threads=0):
        name = 'floor' if mode == 'floor' else osp.basename(config).split(
            '_')[0]
        seen.append(name)
        step, peak = left[name].pop(0)
        return Measurement(mode, step, peak, 'rss', threads or 2, 'cpu')

    return fake, seen


def test_modes_are_interleaved_and_the_table_shows_medians(monkeypatch):
    values = {'floor': [(0.20, 100.0), (0.30, 110.0), (0.22, 90.0)],
              'kd': [(0.25, 120.0), (0.21, 100.0), (0.40, 140.0)],
              'lfcc': [(0.33, 150.0), (0.30, 160.0), (0.90, 130.0)]}
    fake, seen = _fake_measure(values)
    monkeypatch.setattr(overhead, 'measure_in_subprocess', fake)
    group = pair_group(PAIR, ['kd', 'lfcc'])
    settings = Settings(8, 32, steps=3, warmup=1, threads=1, repeats=3)
    saved = []
    records = run_groups([group], settings,
                         on_record=lambda rs: saved.append(len(rs)))
    assert seen == ['floor', 'kd', 'lfcc', 'kd', 'lfcc', 'floor',
                    'lfcc', 'floor', 'kd']
    assert saved == list(range(1, 10))  # saved after every measurement
    assert [(r['round'], r['position'], r['mode']) for r in records[:4]] == [
        (0, 0, 'floor'), (0, 1, 'kd'), (0, 2, 'lfcc'), (1, 0, 'kd')]
    stats = summarize(records)
    assert stats[('res18-w32 → vit-t', 'lfcc')] == dict(
        step_s=0.33, peak_mb=150.0, step_min=0.30, step_max=0.90, n=3)
    table = table_from_records(
        records, vars(settings), dict(processor='x86_64', cpus=2,
                                      torch='2.1.0'))
    assert table.startswith(
        'Overhead at batch 8, 32x32 inputs, 1 thread(s), 3 timed steps after '
        '1 warmup, 3 interleaved repeats (median over repeats of the median '
        'step; range = min-max over repeats; memory: rss); machine: x86_64, '
        '2 CPUs, torch 2.1.0, device cpu:')
    assert ('| Teacher → Student | Method | Floor step (s) | Step (s) | '
            'Time ratio | Step range (s) | Floor peak (MiB) | Peak (MiB) | '
            'Memory ratio |') in table
    rows = [line for line in table.splitlines() if line.startswith('| res')]
    assert rows == [
        '| res18-w32 → vit-t | kd | 0.220 | 0.250 | 1.14x | 0.210-0.400 | '
        '100 | 120 | 1.20x |',
        '| res18-w32 → vit-t | lfcc | 0.220 | 0.330 | 1.50x | 0.300-0.900 | '
        '100 | 150 | 1.50x |']
    default = table_from_records(records, dict(vars(settings), threads=0),
                                 {}, notes=['Not measured: crd.'])
    assert 'torch default threads (1)' in default  # as recorded
    assert default.rstrip().endswith('Not measured: crd.')


def test_tool_errors_are_one_line(tool_main):
    for args, start in [
            (['--pairs', 'nope'],
             "--pairs: 'nope' is not a pair of "),
            (['--pairs', PAIR, '--repeats', '0'],
             '--repeats must be >= 1, got 0'),
            (['--pairs', PAIR, '--methods', 'kd', 'nope'],
             "--methods: pair res18-w32_vit-t of "),
            (['--pairs', PAIR, '--methods', 'crd'],
             f'{_bench("crd")}: this method (CRD) reads dataset indices'),
            (['--methods', 'kd'], '--methods applies to --pairs'),
            (['--from-json', 'nope.json'], '')]:
        proc = tool_main('tools/benchmark/overhead.py', args,
                         cwd=REPO)  # in-process: main(argv)
        assert proc.returncode == 2, (args, proc.stderr)
        line = proc.stderr.strip()
        assert line.startswith(f'overhead.py: error: {start}'), line
        assert len(line.splitlines()) == 1


@pytest.mark.slow
def test_tool_measures_interleaved_rounds_in_subprocesses(tmp_path,
                                                           tool_main):
    """The one real measurement: one round of floor and LFCC, each in a
    subprocess (the rotation of rounds is tested in-process above)."""
    from .conftest import run_tool
    out, raw = tmp_path / 'overhead.md', tmp_path / 'overhead.json'
    proc = run_tool(['tools/benchmark/overhead.py', '--pairs', PAIR,
                     '--methods', 'lfcc', '--repeats', '1', '--steps',
                     '1', '--warmup', '1', '--batch-size', '4', '--threads',
                     '1', '--out', str(out), '--json', str(raw)], timeout=400)
    assert out.read_text() in proc.stdout
    assert out.read_text().startswith(
        'Overhead at batch 4, 32x32 inputs, 1 thread(s), 1 timed steps after '
        '1 warmup, 1 interleaved repeats')
    data = json.loads(raw.read_text())
    assert data['complete'] is True
    assert data['settings'] == dict(batch_size=4, img_size=32, steps=1,
                                    warmup=1, threads=1, repeats=1)
    runs = data['measurements']
    assert [(r['round'], r['mode']) for r in runs] == [
        (0, 'floor'), (0, 'lfcc')]
    assert all(r['step_s'] > 0 and r['peak_mb'] > 0 and r['threads'] == 1
               for r in runs)
    row = re.compile(r'\| res18-w32 → vit-t \| (\w+) \| ([\d.]+) \| '
                     r'([\d.]+) \| ([\d.]+)x \| ([\d.]+)-([\d.]+) \| (\d+) \| '
                     r'(\d+) \| ([\d.]+)x \|')
    rows = {m[1]: m for m in row.finditer(proc.stdout)}
    assert set(rows) == {'lfcc'}

    def median(mode, key):
        return statistics.median(r[key] for r in runs if r['mode'] == mode)

    for mode, m in rows.items():
        floor, step = median('floor', 'step_s'), median(mode, 'step_s')
        assert float(m[2]) == pytest.approx(floor, abs=5e-4)
        assert float(m[3]) == pytest.approx(step, abs=5e-4)
        assert float(m[4]) == pytest.approx(step / floor, abs=5e-3)
        assert int(m[7]) == round(median('floor', 'peak_mb'))
        assert int(m[8]) == round(median(mode, 'peak_mb'))
        assert float(m[9]) == pytest.approx(
            median(mode, 'peak_mb') / median('floor', 'peak_mb'), abs=5e-3)
        assert float(m[5]) <= float(m[3]) <= float(m[6])
    again = tool_main('tools/benchmark/overhead.py',
                      ['--from-json', str(raw)], cwd=REPO)
    assert again.returncode == 0 and again.stdout == proc.stdout
