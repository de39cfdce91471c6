"""results.json never loses or mislabels rows: merge, reuse, settings groups.

``run_benchmark`` runs for real except the training itself, which a stub
replaces (it writes a checkpoint whose bytes change with every training, as
a retrained teacher's would), so the reuse rules are tested in a second.
"""
from __future__ import annotations

import json
import os
import os.path as osp
import shutil
from dataclasses import replace

import pytest

import lfcc_mm  # noqa: F401
from lfcc_mm.bench import engine
from lfcc_mm.bench.config import Schedule
from lfcc_mm.bench.data import folder_data
from lfcc_mm.bench.engine import Experiment, run_benchmark, settings_id_of
from lfcc_mm.bench.methods import MethodHParams
from lfcc_mm.bench.report import write_report
from lfcc_mm.bench.results import (RESULTS_FILE, RunRecord, load_results,
                                   save_results)
from lfcc_mm.utils import UserError

PAIR = 'cnn2vit'
NUMERICS = dict(cpu_isa='avx2', aten='AVX2', threads=1, torch='x')


class FakeTraining:
    """Stands in for ``train_and_evaluate`` and ``export_weights``."""

    def __init__(self) -> None:
        self.trained = []  # work dirs, in order

    def train(self, cfg) -> dict:
        os.makedirs(cfg.work_dir, exist_ok=True)
        ckpt = osp.join(cfg.work_dir, 'epoch_1.pth')
        with open(ckpt, 'w') as f:  # new bytes on every training
            f.write(f'weights #{len(self.trained)}')
        self.trained.append(cfg.work_dir)
        return dict(top1=float(len(self.trained)), wall_s=1.0,
                    checkpoint=ckpt, log_dir=cfg.work_dir)

    @staticmethod
    def export(checkpoint: str, out_file: str) -> str:
        shutil.copyfile(checkpoint, out_file)
        return out_file

    def methods(self) -> list:
        """``(pair or 'teacher', method)`` of each training, in order."""
        out = []
        for d in self.trained:
            parts = d.split(os.sep)
            out.append(('teacher', parts[-1].split('-')[0])
                       if 'teachers' in parts else (parts[-3], parts[-2]))
        return out


@pytest.fixture
def fake(monkeypatch) -> FakeTraining:
    fake = FakeTraining()
    monkeypatch.setattr(engine, 'train_and_evaluate', fake.train)
    monkeypatch.setattr(engine, 'export_weights', fake.export)
    return fake


def _exp(folders, work, lr=2e-3, train_per_class=None, lfcc_weight=1.0):
    data = folder_data(folders['train'], folders['test'],
                       train_per_class=train_per_class, batch_size=4,
                       num_workers=0)
    return Experiment(data=data, schedule=Schedule(epochs=1, lr=lr),
                      teacher_schedule=Schedule(epochs=1, lr=lr),
                      work_dir=work,
                      hparams=MethodHParams(lfcc_weight=lfcc_weight),
                      command='cmd', numerics=NUMERICS)


def _rows(work):
    return load_results(work)


def test_fewer_seeds_keeps_rows_and_identical_rerun_reuses(
        image_folders, tmp_path, fake):
    work = str(tmp_path / 'bench')
    exp = _exp(image_folders, work)
    run_benchmark(exp, [PAIR], ['scratch', 'kd'], [0, 1, 2])
    assert len(fake.trained) == 1 + 6
    first = {r.key: r for r in _rows(work)}
    # every row records the settings and fingerprint that shaped it
    for r in first.values():
        assert r.settings_id == settings_id_of(exp)
        assert r.settings['schedule']['lr'] == 2e-3
        assert r.settings['data']['classes'] == ['cat', 'dog', 'ship']
        assert r.settings['numerics'] == NUMERICS
        assert len(r.fingerprint) == 16
    teacher_sha = next(r.teacher_sha256 for r in first.values()
                       if r.method == 'teacher')
    assert all(r.teacher_sha256 == teacher_sha for r in first.values()
               if r.method == 'kd')
    assert all(r.teacher_sha256 is None for r in first.values()
               if r.method == 'scratch')

    # fewer seeds and methods, same settings: nothing trains, nothing lost
    this = run_benchmark(exp, [PAIR], ['kd'], [0])
    assert len(fake.trained) == 7
    assert [r.method for r in this] == ['teacher', 'kd'] and all(
        r.reused for r in this)
    again = {r.key: r for r in _rows(work)}
    assert set(again) == set(first)
    assert [again[k].top1 for k in first] == [r.top1 for r in first.values()]
    write_report(_rows(work), work, current=settings_id_of(exp))
    table = open(osp.join(work, 'results.md')).read()
    assert table.count('| Top-1 (%) |') == 1  # one settings group
    assert table.count(' | 3 | ') == 2  # scratch and kd keep their 3 seeds


@pytest.mark.parametrize('change', [
    dict(lr=1e-3), dict(train_per_class=4), dict(lfcc_weight=2.0)])
def test_changed_setting_trains_again_and_keeps_old_group(
        image_folders, tmp_path, fake, change):
    work = str(tmp_path / 'bench')
    old_exp = _exp(image_folders, work)
    run_benchmark(old_exp, [PAIR], ['scratch', 'lfcc'], [0])
    old_rows = _rows(work)
    assert len(fake.trained) == 3

    new_exp = _exp(image_folders, work, **change)
    assert settings_id_of(new_exp) != settings_id_of(old_exp)
    run_benchmark(new_exp, [PAIR], ['scratch', 'lfcc'], [0])
    trained = fake.methods()[3:]
    if 'lfcc_weight' in change:  # teacher and scratch are not shaped by it
        assert trained == [(PAIR, 'lfcc')]
    else:
        assert trained == [('teacher', 'resnet18'), (PAIR, 'scratch'),
                           (PAIR, 'lfcc')]
    rows = _rows(work)
    assert rows[:3] == old_rows  # old group kept as it was
    new = rows[3:]
    assert len(new) == 3 and all(
        r.settings_id == settings_id_of(new_exp) for r in new)
    # the new runs did not overwrite the old ones' files
    assert len({r.work_dir for r in rows if r.method != 'teacher'}) == (
        3 if 'lfcc_weight' in change else 4)

    report = write_report(rows, work, current=settings_id_of(new_exp))
    md = open(report['table']).read()
    assert md.count('| Top-1 (%) |') == 2
    this, other = md.split('earlier runs')
    assert f'Settings `{settings_id_of(new_exp)}` (this run' in this
    key, value = {'lr': ('schedule.lr', '0.002 (this run: 0.001)'),
                  'train_per_class': ('data.train.max_per_class',
                                      'None (this run: 4)'),
                  'lfcc_weight': ('hparams.lfcc_weight',
                                  '1.0 (this run: 2.0)')}[next(iter(change))]
    assert f'{key} = {value}' in other
    assert report['markdown'].count('\n') == 2 + 3  # current group only


def test_retrained_teacher_retrains_its_students_only(image_folders,
                                                      tmp_path, fake):
    work = str(tmp_path / 'bench')
    exp = _exp(image_folders, work)
    run_benchmark(exp, [PAIR], ['scratch', 'kd', 'lfcc'], [0])
    rows = {r.method: r for r in _rows(work)}
    # the teacher is retrained in place: same path, other weights
    with open(rows['teacher'].checkpoint, 'w') as f:
        f.write('weights of a retrained teacher')
    run_benchmark(exp, [PAIR], ['scratch', 'kd', 'lfcc'], [0])
    assert fake.methods()[4:] == [('teacher', 'resnet18'), (PAIR, 'kd'),
                                  (PAIR, 'lfcc')]
    after = {r.method: r for r in _rows(work)}
    assert len(_rows(work)) == 4  # same settings: rows replaced, not added
    assert after['scratch'] == replace(rows['scratch'], reused=True)
    assert after['kd'].teacher_sha256 == after['teacher'].teacher_sha256 \
        != rows['kd'].teacher_sha256
    assert after['kd'].work_dir != rows['kd'].work_dir


def test_rows_of_other_commands_survive_a_save(tmp_path):
    def rec(method, seed, group):
        return RunRecord(pair='p', teacher='t', student='s', method=method,
                         seed=seed, top1=1.0, wall_s=1.0, epochs=1,
                         work_dir='w', log_dir='l', checkpoint='c',
                         command='c', settings_id=group)

    work = str(tmp_path)
    save_results(work, [rec('kd', 0, 'a'), rec('kd', 1, 'a')], {})
    save_results(work, [rec('kd', 0, 'b')], {})
    save_results(work, [replace(rec('kd', 1, 'a'), top1=2.0)], {})
    assert [(r.settings_id, r.seed, r.top1) for r in load_results(work)] == [
        ('a', 0, 1.0), ('a', 1, 2.0), ('b', 0, 1.0)]
    assert os.listdir(work) == [RESULTS_FILE]  # no temp file left


def test_legacy_rows_load_and_are_never_reused(tmp_path):
    legacy = dict(pair='p', teacher='t', student='s', method='kd', seed=0,
                  top1=50.0, wall_s=1.0, epochs=4, work_dir='w', log_dir='l',
                  checkpoint='c', command='c', reused=False)
    with open(tmp_path / RESULTS_FILE, 'w') as f:
        json.dump(dict(settings={}, runs=[legacy]), f)
    (row, ) = load_results(str(tmp_path))
    assert row.settings_id == '' and row.fingerprint == ''


@pytest.mark.parametrize('text, match', [
    ('{"settings": {}, "runs": [{"pair": "p"', 'is not valid JSON'),
    ('[1, 2]', 'has no "runs" list'),
    ('{"runs": [{"pair": "p", "typo": 1}]}', r"runs\[0\] has unknown keys"),
])
def test_bad_results_file_is_one_clear_error(tmp_path, text, match):
    path = tmp_path / RESULTS_FILE
    path.write_text(text)
    with pytest.raises(UserError, match=match) as info:
        load_results(str(tmp_path))
    assert str(path) in str(info.value) and '\n' not in str(info.value)
    assert path.read_text() == text  # nothing overwritten
