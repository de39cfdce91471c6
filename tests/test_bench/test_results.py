"""results.json never loses or mislabels rows: merge, reuse, settings groups.

The benchmark driver (:class:`lfcc_bench.driver.Benchmark`) plans and
records for real over the digits grid; only the training process is
replaced by a fake (it writes a checkpoint whose bytes change with every
training, as a retrained teacher's would), so the reuse rules are tested in
seconds.
"""
from __future__ import annotations

import json
import os
import os.path as osp
from dataclasses import replace
from types import SimpleNamespace

import pytest
import torch

import lfcc_mm  # noqa: F401
from lfcc_bench.driver import Benchmark, BenchOptions, DataChoice
from lfcc_bench.report import write_report
from lfcc_bench.results import (RESULTS_FILE, RunRecord, load_results,
                                   save_results, write_json_atomic)
from lfcc_bench.worker import RESULT_FILE
from lfcc_mm.cli import UserError

from .conftest import REPO

BENCH_DIR = osp.join(REPO, 'configs', 'benchmark', 'digits')
PAIR = ('resnet18-w16', 'vit-t')
PAIR_NAME = 'resnet18-w16_vit-t'
NUMERICS = dict(cpu_isa='avx2', aten='AVX2', threads=1, torch='x')


class FakeTraining:
    """Stands in for the worker process of every run."""

    def __init__(self) -> None:
        self.trained = []  # (pair or 'teacher', method), in order

    def launch(self, job, slot):
        """Write the run's checkpoint and result; a finished process."""
        work_dir = job.spec['work_dir']
        os.makedirs(work_dir, exist_ok=True)
        ckpt = osp.join(work_dir, 'epoch_1.pth')
        # new bytes on every training
        torch.save({'state_dict': {'w': torch.tensor([len(self.trained)])}},
                   ckpt)
        self.trained.append((job.row['pair'] or 'teacher',
                             job.row['method']))
        write_json_atomic(osp.join(work_dir, RESULT_FILE), dict(
            top1=float(len(self.trained)), wall_s=1.0, checkpoint=ckpt,
            log_dir=work_dir))
        return SimpleNamespace(poll=lambda: 0, returncode=0), None


@pytest.fixture
def fake(monkeypatch) -> FakeTraining:
    fake = FakeTraining()
    monkeypatch.setattr(Benchmark, '_launch',
                        lambda self, job, slot: fake.launch(job, slot))
    return fake


def _run(work, methods, seeds, **options):
    """One benchmark command over the digits grid; its rows."""
    opts = BenchOptions(bench_dir=BENCH_DIR, work_dir=work,
                        data=DataChoice(), pairs=[PAIR], methods=methods,
                        seeds=seeds, teachers='train', command='cmd',
                        **options)
    bench = Benchmark(opts, NUMERICS)
    return bench, bench.run()


def test_fewer_seeds_keeps_rows_and_identical_rerun_reuses(tmp_path, fake):
    work = str(tmp_path / 'bench')
    bench, _ = _run(work, ['scratch', 'kd'], [0, 1, 2])
    assert len(fake.trained) == 1 + 6
    first = {r.key: r for r in load_results(work)}
    # every row records the settings and fingerprint that shaped it
    for r in first.values():
        assert r.settings_id == bench.settings_id
        assert r.settings['bench_dir'] == 'configs/benchmark/digits'
        assert r.settings['numerics'] == NUMERICS
        assert len(r.fingerprint) == 16
        assert r.config.startswith('configs/benchmark/digits/')
    teacher_sha = next(r.teacher_sha256 for r in first.values()
                       if r.method == 'teacher')
    assert all(r.teacher_sha256 == teacher_sha for r in first.values()
               if r.method == 'kd')
    assert all(r.teacher_sha256 is None for r in first.values()
               if r.method == 'scratch')

    # fewer seeds and methods, same settings: nothing trains, nothing lost
    again_bench, this = _run(work, ['kd'], [0])
    assert again_bench.settings_id == bench.settings_id
    assert len(fake.trained) == 7
    assert [r.method for r in this] == ['teacher', 'kd'] and all(
        r.reused for r in this)
    again = {r.key: r for r in load_results(work)}
    assert set(again) == set(first)
    assert [again[k].top1 for k in first] == [r.top1 for r in first.values()]
    write_report(load_results(work), work, current=bench.settings_id)
    table = open(osp.join(work, 'results.md')).read()
    assert table.count('| Top-1 (%) |') == 1  # one settings group
    assert table.count(' | 3 | ') == 2  # scratch and kd keep their 3 seeds


@pytest.mark.parametrize('change, retrained', [
    (dict(epochs=2), [(PAIR_NAME, 'scratch'), (PAIR_NAME, 'lfcc_kd')]),
    (dict(train_per_class=20),
     [(PAIR_NAME, 'scratch'), (PAIR_NAME, 'lfcc_kd')]),
    (dict(cfg_options={'optim_wrapper.optimizer.lr': 1e-3}),
     [('teacher', 'teacher'), (PAIR_NAME, 'scratch'),
      (PAIR_NAME, 'lfcc_kd')]),
])
def test_changed_setting_trains_again_and_keeps_old_group(
        tmp_path, fake, change, retrained):
    work = str(tmp_path / 'bench')
    old, _ = _run(work, ['scratch', 'lfcc_kd'], [0])
    old_rows = load_results(work)
    assert len(fake.trained) == 3

    new, _ = _run(work, ['scratch', 'lfcc_kd'], [0], **change)
    assert new.settings_id != old.settings_id
    # student settings leave the teacher as it was: its row is reused
    assert fake.trained[3:] == retrained
    rows = load_results(work)
    assert rows[:3] == old_rows  # old group kept as it was
    fresh = rows[3:]
    assert len(fresh) == 3 and all(
        r.settings_id == new.settings_id for r in fresh)
    # the new runs did not overwrite the old ones' files
    assert len({r.work_dir for r in rows if r.method != 'teacher'}) == 4

    report = write_report(rows, work, current=new.settings_id)
    md = open(report['table']).read()
    assert md.count('| Top-1 (%) |') == 2
    this, other = md.split('earlier runs')
    assert f'Settings `{new.settings_id}` (this run' in this
    key, value = next(iter(change.items()))
    expected = {'epochs': 'epochs = None (this run: 2)',
                'train_per_class': 'train_per_class = None (this run: 20)',
                'cfg_options': 'cfg_options.optim_wrapper.optimizer.lr = '
                '— (this run: 0.001)'}[key]
    assert expected in other
    assert report['markdown'].count('\n') == 2 + 3  # current group only


def test_renamed_method_reuses_the_row_of_the_same_run(tmp_path, fake):
    """A method renamed (an ablation that became the default) keeps its
    rows: a stored row of another method name with the same pair, seed and
    fingerprint is the same run; other fingerprints are never borrowed."""
    work = str(tmp_path / 'bench')
    _run(work, ['kd', 'lfcc_kd'], [0])
    path = osp.join(work, RESULTS_FILE)
    with open(path) as f:
        data = json.load(f)
    for row in data['runs']:  # as if kd had been stored as 'kd_old'
        if row['method'] == 'kd':
            row['method'] = 'kd_old'
    with open(path, 'w') as f:
        json.dump(data, f)
    stored = {r.method: r for r in load_results(work)}

    _run(work, ['kd', 'lfcc_kd'], [0])
    assert len(fake.trained) == 3  # teacher, kd, lfcc_kd: nothing new
    rows = {r.method: r for r in load_results(work)}
    kd = rows['kd']
    assert kd.reused and kd.reused_from == 'kd_old'
    assert (kd.top1, kd.fingerprint, kd.work_dir) == (
        stored['kd_old'].top1, stored['kd_old'].fingerprint,
        stored['kd_old'].work_dir)
    assert kd.config.endswith('/kd_resnet18-w16_vit-t_digits.py')
    assert rows['lfcc_kd'].reused_from == ''  # reused under its own name
    assert rows['kd_old'] == stored['kd_old']  # the stored row is kept

    # a row of another fingerprint is not borrowed: scratch trains
    _run(work, ['scratch'], [0])
    assert fake.trained[3:] == [(PAIR_NAME, 'scratch')]


def test_retrained_teacher_retrains_its_students_only(tmp_path, fake):
    work = str(tmp_path / 'bench')
    _run(work, ['scratch', 'kd', 'lfcc_kd'], [0])
    rows = {r.method: r for r in load_results(work)}
    # the teacher is retrained in place: same path, other weights
    torch.save({'w': torch.tensor([42])}, rows['teacher'].checkpoint)
    _run(work, ['scratch', 'kd', 'lfcc_kd'], [0])
    assert fake.trained[4:] == [('teacher', 'teacher'), (PAIR_NAME, 'kd'),
                                (PAIR_NAME, 'lfcc_kd')]
    after = {r.method: r for r in load_results(work)}
    assert len(load_results(work)) == 4  # same settings: rows replaced
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
