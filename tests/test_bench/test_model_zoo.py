"""Metafile, model-index import and README table from ``results.json``.

Runs ``tools/benchmark/update_model_zoo.py`` in-process (its ``main``) on a
miniature repository in ``tmp_path``.
"""
from __future__ import annotations

import importlib.util
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from lfcc_bench.model_zoo import (END_MARKER, START_MARKER,
                                     replace_between_markers,
                                     results_markdown, update_model_zoo)
from lfcc_bench.results import save_results
from lfcc_mm.cli import UserError

from .bench_rows import BENCH, config_of, grid_rows, record

REPO = Path(__file__).resolve().parents[2]
TOOL = REPO / 'tools' / 'benchmark' / 'update_model_zoo.py'
BEFORE = '# CIFAR-10\n\nIntro.\n\n## Results\n\n'
AFTER = '\n\n## Later\n\nKept as is.\n'


def _tool():
    """``tools/benchmark/update_model_zoo.py`` as a module."""
    spec = importlib.util.spec_from_file_location('update_model_zoo', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def repo(tmp_path):
    """A miniature repository: model-index, README with markers, and a
    results.json with the grid in group ``g1`` (the latest command's), one
    row of an older group ``g0`` and one ``g1`` row without a config."""
    bench = tmp_path / BENCH
    bench.mkdir(parents=True)
    (tmp_path / 'model-index.yml').write_text(
        'Import:\n  - configs/lfcc/metafile.yml\n')
    (bench / 'README.md').write_text(
        f'{BEFORE}{START_MARKER}\nNo results committed yet.\n'
        f'{END_MARKER}{AFTER}')
    rows = ([record('scratch', 'vit-s', 'res18-w16', 0, 10.0, 'g0')]
            + grid_rows('g1')
            + [record('kd', 'vit-s', 'res18-w16', 7, 1.0, 'g1', config='')])
    work = tmp_path / 'work'
    work.mkdir()
    save_results(str(work), rows, dict(settings_id='g1', command='cmd'))
    return tmp_path


def _paths(root: Path) -> dict:
    return dict(results_json=str(root / 'work' / 'results.json'),
                metafile=str(root / BENCH / 'metafile.yml'),
                readme=str(root / BENCH / 'README.md'),
                model_index=str(root / 'model-index.yml'))


def _run_tool(root: Path, *extra: str) -> None:
    p = _paths(root)
    _tool().main([p['results_json'], '--metafile', p['metafile'],
                  '--readme', p['readme'], '--model-index', p['model_index'],
                  *extra])


def test_metafile_has_one_model_per_config_with_mean_std_and_seeds(repo):
    with pytest.warns(UserWarning, match=r"group 'g1': skipping 1 row "
                      r'without a config \(field "config"\): '
                      r'kd vit-s_res18-w16$'):
        done = update_model_zoo(**_paths(repo))
    assert done['settings_id'] == 'g1' and done['models'] == 8
    meta = yaml.safe_load((repo / BENCH / 'metafile.yml').read_text())
    assert meta['Collections'] == [dict(
        Name='LFCC CIFAR-10 benchmark',
        Metadata={'Training Data': 'CIFAR-10'},
        README=f'{BENCH}/README.md')]
    models = {m['Name']: m for m in meta['Models']}
    expected = {Path(config_of(m, t, s)).stem: config_of(m, t, s)
                for t, s in [('vit-s', 'res18-w16'), ('res18-w32', 'vit-t')]
                for m in ('teacher', 'scratch', 'kd', 'lfcc')}
    assert {n: m['Config'] for n, m in models.items()} == expected
    lfcc = models['lfcc_vit-s_res18-w16_cifar10']
    assert lfcc['In Collection'] == 'LFCC CIFAR-10 benchmark'
    assert lfcc['Metadata'] == {
        'Teacher': 'vit-s', 'Teacher Family': 'ViT', 'Student': 'res18-w16',
        'Student Family': 'CNN', 'Method': 'lfcc',
        'Training Data': 'CIFAR-10', 'Epochs': 4, 'Seeds': 3}
    assert lfcc['Results'] == [{
        'Task': 'Image Classification', 'Dataset': 'CIFAR-10',
        'Metrics': {'Top 1 Accuracy': 60.0, 'Top 1 Accuracy Std': 2.0}}]
    # its student is shipped (checkpoints/benchmark/cifar10/students/):
    # the metafile names its download URL; a config without one has none
    from lfcc_mm.zoo import student_weights_name, weights_url
    assert lfcc['Weights'] == weights_url(
        student_weights_name(lfcc['Config']))
    assert models['scratch_vit-s_res18-w16_cifar10']['Weights'] is None
    # the config-less kd row (top-1 1.0) and group g0 are left out
    assert models['kd_vit-s_res18-w16_cifar10']['Results'][0]['Metrics'][
        'Top 1 Accuracy'] == 56.0
    assert models['scratch_vit-s_res18-w16_cifar10']['Metadata'][
        'Seeds'] == 3
    teacher = models['res18-w32_cifar10']
    assert teacher['Results'][0]['Metrics'] == {'Top 1 Accuracy': 44.0}
    assert 'Student' not in teacher['Metadata']
    assert teacher['Metadata']['Method'] == 'teacher'


def test_model_index_imports_the_metafile_once(repo):
    _run_tool(repo)
    _run_tool(repo)
    index = yaml.safe_load((repo / 'model-index.yml').read_text())
    assert index == {'Import': ['configs/lfcc/metafile.yml',
                                f'{BENCH}/metafile.yml']}
    assert (repo / 'model-index.yml').read_text().startswith(
        'Import:\n  - configs/lfcc/metafile.yml\n')


def test_readme_table_replaces_only_the_marked_section(repo):
    _run_tool(repo, '--log-hint', 'work_dirs/kd_bench (not committed)')
    text = (repo / BENCH / 'README.md').read_text()
    before, rest = text.split(START_MARKER)
    section, after = rest.split(END_MARKER)
    assert before == BEFORE and after == AFTER
    assert 'No results committed yet.' not in section
    assert "settings group `g1`" in section
    assert 'Logs: work_dirs/kd_bench (not committed)' in section
    lines = section.splitlines()
    head = lines.index('### ViT → CNN: vit-s → res18-w16')
    assert lines[head + 2:head + 8] == [
        '| Method | Top-1 (%) | Δ vs scratch | Config |',
        '|---|---|---|---|',
        '| teacher (vit-s) | 80.00 (1 seed) | — | '
        '[vit-s_cifar10.py](teachers/vit-s_cifar10.py) |',
        '| scratch | 52.00 ± 2.00 (3 seeds) | — | '
        '[scratch_vit-s_res18-w16_cifar10.py]'
        '(scratch_vit-s_res18-w16_cifar10.py) |',
        '| kd | 56.00 ± 1.00 (3 seeds) | +4.00 | '
        '[kd_vit-s_res18-w16_cifar10.py](kd_vit-s_res18-w16_cifar10.py) |',
        '| lfcc | 60.00 ± 2.00 (3 seeds) | +8.00 | '
        '[lfcc_vit-s_res18-w16_cifar10.py]'
        '(lfcc_vit-s_res18-w16_cifar10.py) |']
    assert '### CNN → ViT: res18-w32 → vit-t' in lines
    flags = [line for line in lines if '⚠' in line]
    assert len(flags) == 1 and flags[0].startswith(
        '- ⚠ res18-w32_vit-t: teacher res18-w32 44.00 < scratch 40.00 + 5')
    # the flag sits under its own pair's table, after the vit-t rows
    assert lines.index(flags[0]) > lines.index(
        '### CNN → ViT: res18-w32 → vit-t')


def test_readme_overview_puts_every_method_of_every_pair_in_one_table(
        tmp_path):
    """Δ vs. scratch per method (rows) and pair (columns); a cell with
    fewer seeds than its scratch row says so; '—' where a method did not
    run on a pair; scratch and teacher top-1 close the table."""
    rows = grid_rows('g1') + [
        record('dkd', 'vit-s', 'res18-w16', 0, 51.0, 'g1')]
    section = results_markdown(rows, 'g1', BENCH)
    lines = section.splitlines()
    start = lines.index('### All pairs: Δ vs. scratch (points)')
    assert lines[start + 2:start + 9] == [
        '| Method | ViT → CNN<br>vit-s → res18-w16 | '
        'CNN → ViT<br>res18-w32 → vit-t |',
        '|---|---|---|',
        '| kd | +4.00 | +2.00 |',
        '| lfcc | +8.00 | +3.00 |',
        '| dkd | -1.00 (1 seed) | — |',
        '| *scratch top-1* | 52.00 | 40.00 |',
        '| *teacher top-1* | 80.00 | 44.00 |']
    # before the per-pair tables
    assert start < lines.index('### ViT → CNN: vit-s → res18-w16')
    # one pair: no overview
    one = [r for r in rows if r.teacher == 'vit-s']
    assert 'All pairs' not in results_markdown(one, 'g1', BENCH)


def test_same_input_gives_the_same_bytes(repo):
    files = [repo / BENCH / 'metafile.yml', repo / BENCH / 'README.md',
             repo / 'model-index.yml']
    _run_tool(repo)
    first = [f.read_bytes() for f in files]
    _run_tool(repo)
    assert [f.read_bytes() for f in files] == first
    assert not list((repo / BENCH).glob('*.tmp*'))


def test_settings_id_picks_another_group(repo):
    done = update_model_zoo(**_paths(repo), settings_id='g0')
    meta = yaml.safe_load((repo / BENCH / 'metafile.yml').read_text())
    assert done['weak_teachers'] == []
    assert [(m['Name'], m['Results'][0]['Metrics'])
            for m in meta['Models']] == [
                ('scratch_vit-s_res18-w16_cifar10', {'Top 1 Accuracy': 10.0})]
    with pytest.raises(UserError, match=r"no row of settings group 'nope'; "
                       r'its groups: g0 \(1 row\), g1 \(21 rows\)'):
        update_model_zoo(**_paths(repo), settings_id='nope')


@pytest.mark.parametrize('marker', [START_MARKER, END_MARKER])
def test_missing_marker_is_a_user_error_naming_file_and_marker(
        repo, marker, capsys):
    readme = repo / BENCH / 'README.md'
    readme.write_text(readme.read_text().replace(marker, ''))
    untouched = readme.read_bytes()
    with pytest.raises(SystemExit) as exit_info:
        _run_tool(repo)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert f"{readme}: marker '{marker}' not found" in err
    assert readme.read_bytes() == untouched
    assert not (repo / BENCH / 'metafile.yml').exists()


def test_end_marker_before_start_is_a_user_error():
    with pytest.raises(UserError, match='comes before'):
        replace_between_markers(f'{END_MARKER}\n{START_MARKER}\n', 'x\n',
                                'R.md')


def test_rows_of_one_pair_method_under_two_configs_are_refused(repo):
    rows = grid_rows('g1')
    rows[1] = replace(rows[1], config=f'{BENCH}/other.py')
    work = repo / 'work2'
    work.mkdir()
    save_results(str(work), rows, dict(settings_id='g1'))
    paths = dict(_paths(repo), results_json=str(work / 'results.json'))
    with pytest.raises(UserError, match='one config per'):
        update_model_zoo(**paths)


def test_committed_readme_has_the_markers_once():
    text = (REPO / BENCH / 'README.md').read_text()
    assert text.count(START_MARKER) == 1 and text.count(END_MARKER) == 1
    assert text.index(START_MARKER) < text.index(END_MARKER)
    assert text.index('## Results') < text.index(START_MARKER)
