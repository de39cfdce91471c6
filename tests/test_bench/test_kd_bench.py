"""kd_bench.py: the driver over configs/benchmark, as a user runs it.

Tiny data (a few images per class, batch 8, one epoch) so that every run is
seconds; what is checked is what the driver decides: which configs run,
with which teacher, which rows are written, reused or refused.
"""
from __future__ import annotations

import json
import os
import os.path as osp
import subprocess
import sys

import pytest

from .conftest import REPO, make_image_folder
from .fake_cifar import write_fake_cifar

PAIR = 'vit-s_res18-w16'
#: Small batches, no loader workers: tiny data, quick runs.
SMALL = ['--cfg-options', 'train_dataloader.batch_size=8',
         'train_dataloader.num_workers=0', 'val_dataloader.num_workers=0',
         'val_dataloader.batch_size=16']
QUICK = ['--epochs', '1', '--teacher-epochs', '1', '--seeds', '0']


def kd_bench(args, expect_rc=0):
    """Run tools/benchmark/kd_bench.py from the repo root."""
    # this folder on the path: a run may import ``fake_cifar`` through
    # ``custom_imports``, as the Runner would (``tests`` itself is not
    # importable: site-packages may hold another ``tests`` package)
    env = dict(os.environ, PYTHONWARNINGS='ignore',
               PYTHONPATH=os.pathsep.join(
                   [osp.dirname(osp.abspath(__file__))] + [
                       p for p in os.environ.get('PYTHONPATH', '').split(
                           os.pathsep) if p]))
    proc = subprocess.run(
        [sys.executable, 'tools/benchmark/kd_bench.py'] + list(args),
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == expect_rc, proc.stdout[-3000:] + \
        proc.stderr[-3000:]
    return proc


def rows(work_dir):
    with open(osp.join(work_dir, 'results.json')) as f:
        return json.load(f)['runs']


@pytest.fixture(scope='module')
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp('folders')
    train, test = str(root / 'train'), str(root / 'test')
    make_image_folder(train, 6, seed=0)  # 3 classes x 6 = 18 images
    make_image_folder(test, 3, seed=1)
    return ['--train-root', train, '--test-root', test]


#: The command both slow tests below start from: scratch and lfcc on PAIR.
def _grid_args(folders):
    return folders + QUICK + ['--pairs', PAIR, '--methods', 'scratch',
                              'lfcc'] + SMALL


@pytest.fixture(scope='module')
def jobs_1_run(folders, tmp_path_factory):
    """One ``--jobs 1`` run of :func:`_grid_args`, shared (a run is ~15 s).

    Returns the work dir, the process and a copy of its rows as written.
    """
    work = str(tmp_path_factory.mktemp('jobs1') / 'bench')
    proc = kd_bench(_grid_args(folders) + ['--work-dir', work, '--jobs', '1'])
    return work, proc, rows(work)


def _ran_config(row):
    """The config the Runner of a row ran (dumped into its work dir)."""
    from mmengine.config import Config
    return Config.fromfile(osp.join(row['work_dir'],
                                    osp.basename(row['config'])),
                           import_custom_modules=False)


def _by_key(runs):
    return {(r['pair'], r['teacher'], r['method'], r['seed']): r
            for r in runs}


@pytest.mark.slow
def test_rows_are_configs_and_resume(folders, jobs_1_run):
    work, proc, runs = jobs_1_run
    args = _grid_args(folders) + ['--work-dir', work, '--jobs', '1']
    assert [(r['method'], r['pair']) for r in runs] == [
        ('teacher', None), ('scratch', PAIR), ('lfcc', PAIR)]
    for r in runs:  # every row names a config a user can run
        assert osp.isfile(osp.join(REPO, r['config'])), r['config']
        assert 0 <= r['top1'] <= 100 and r['trained'] and not r['reused']
    assert runs[0]['config'] == \
        'configs/benchmark/cifar10/teachers/vit-s_cifar10.py'
    assert runs[2]['config'] == \
        f'configs/benchmark/cifar10/lfcc_{PAIR}_cifar10.py'
    assert (runs[0]['teacher_family'], runs[2]['student_family']) == \
        ('ViT', 'CNN')
    # the student learned from the teacher this command trained
    assert runs[2]['teacher_sha256'] == runs[0]['teacher_sha256']
    assert runs[1]['teacher_sha256'] is None
    # 3 class folders: every num_classes of the models follows them
    job = json.load(open(osp.join(runs[2]['work_dir'], 'job.json')))
    ran = _ran_config(runs[2])
    assert ran.model.architecture.head.num_classes == 3
    assert ran.model.teacher.head.num_classes == 3
    assert ran.data_preprocessor.num_classes == 3
    assert job['load']['seed'] == 0 and ran.randomness.seed == 0
    # the progress bar's source: every iteration of the run was recorded
    progress = json.load(open(osp.join(runs[2]['work_dir'],
                                       'progress.json')))
    assert progress['done'] == progress['total'] == 2  # 18 images / 8
    # mmengine's log is in the run's work dir, not on the console
    assert osp.getsize(osp.join(runs[2]['work_dir'], 'console.log')) > 0
    assert 'Epoch(train)' not in proc.stdout + proc.stderr
    assert '| lfcc |' in proc.stdout or 'lfcc' in proc.stdout
    # the same command again trains nothing
    again = kd_bench(args)
    assert '3 rows reused' in again.stdout
    assert [r['reused'] for r in rows(work)] == [True] * 3
    assert [r['top1'] for r in rows(work)] == [r['top1'] for r in runs]


@pytest.mark.slow
def test_jobs_2_gives_the_rows_of_jobs_1(folders, jobs_1_run, tmp_path):
    # Two student runs: with --jobs 2 they train at the same time. The
    # teacher, which trains alone before them either way, is the --jobs 1
    # run's (its row and weights reused, as a resumed benchmark does).
    two = str(tmp_path / 'two')
    teacher = [r for r in jobs_1_run[2] if r['method'] == 'teacher']
    os.makedirs(two)
    with open(osp.join(two, 'results.json'), 'w') as f:
        json.dump(dict(settings=teacher[0]['settings'], runs=teacher), f)
    kd_bench(_grid_args(folders) + ['--work-dir', two, '--jobs', '2'])
    a, b = _by_key(jobs_1_run[2]), _by_key(rows(two))
    assert a.keys() == b.keys() and len(a) == 3
    assert [r['reused'] for r in rows(two)] == [True, False, False]
    for key in a:
        assert a[key]['top1'] == b[key]['top1'], key
        assert a[key]['fingerprint'] == b[key]['fingerprint'], key


@pytest.mark.slow
def test_mmpretrain_cifar10_runs_with_the_shipped_teacher(tmp_path):
    """mmpretrain's CIFAR-10 dataset; ``--teachers auto`` (the default)
    tests the shipped teacher (CIFAR-10's 10 classes), loaded strictly, and
    the student learns from exactly that file."""
    import hashlib
    root = write_fake_cifar(str(tmp_path / 'cifar10'), 'cifar10',
                            per_class=2)
    work = str(tmp_path / 'bench')
    fake = 'custom_imports.imports=[lfcc_mm,fake_cifar]'
    kd_bench(['--dataset', 'cifar10', '--data-root', root, '--work-dir',
              work, '--pairs', PAIR, '--methods', 'kd'] + QUICK + SMALL +
             [fake])
    teacher, student = runs = rows(work)
    assert [r['method'] for r in runs] == ['teacher', 'kd']
    assert not teacher['trained'] and student['trained']
    assert teacher['teacher_sha256'] == student['teacher_sha256']
    shipped = 'checkpoints/benchmark/cifar10/vit-s_cifar10.pth'
    sha = hashlib.sha256(open(osp.join(REPO, shipped), 'rb').read())
    assert teacher['checkpoint'] == shipped
    assert teacher['teacher_sha256'] == sha.hexdigest()
    assert 0 <= teacher['top1'] <= 100
    ran = _ran_config(student)
    assert ran.train_dataloader.dataset.type == 'CIFAR10'
    assert ran.model.architecture.head.num_classes == 10
    assert ran.model.teacher.head.num_classes == 10
    assert teacher['settings']['data']['dataset'] == 'cifar10'


@pytest.mark.parametrize('kind,num_classes,shipped', [
    ('cifar10', 10, True), ('cifar100', 100, False)])
def test_teacher_plan_follows_the_dataset(tmp_path, load_tool, kind,
                                          num_classes, shipped):
    """``--teachers auto`` plans a test of the shipped CIFAR-10 teacher only
    where its classes fit; CIFAR-100 trains one for its 100 classes.

    The driver's plan, in-process (the run itself:
    :func:`test_mmpretrain_cifar10_runs_with_the_shipped_teacher`; a
    training step on CIFAR-100's pickles: ``tests/test_configs``)."""
    from lfcc_bench.driver import Benchmark
    from lfcc_bench.run_config import load_bench_config
    tool = load_tool('tools/benchmark/kd_bench.py')
    root = write_fake_cifar(str(tmp_path / kind), kind, per_class=2)
    argv = ['--dataset', kind, '--data-root', root, '--work-dir',
            str(tmp_path / 'bench'), '--pairs', PAIR, '--methods', 'kd'
            ] + QUICK + SMALL
    args = tool.parse_args(argv)
    tool.apply_defaults(args)
    tool.check_args(args)
    job, = Benchmark(tool.options(args, argv), {}).teacher_jobs(['vit-s'])
    ckpt = osp.join(REPO, 'checkpoints/benchmark/cifar10/vit-s_cifar10.pth')
    assert (job.mode, job.spec['load_from']) == (
        ('test', ckpt) if shipped else ('train', None))
    assert job.row["trained"] is not shipped
    cfg = load_bench_config(job.spec['config'], str(tmp_path / 'run'),
                            **job.spec['load'])
    assert cfg.train_dataloader.dataset.type == kind.upper()
    assert cfg.model.head.num_classes == num_classes
    assert cfg.data_preprocessor.num_classes == num_classes
    # the student of the pair, on the same data, with that teacher
    load = dict(job.spec['load'], teacher_ckpt=ckpt)
    student = load_bench_config(
        osp.join(REPO, f'configs/benchmark/cifar10/kd_{PAIR}_cifar10.py'),
        str(tmp_path / 'student'), **load)
    assert student.train_dataloader.dataset.type == kind.upper()
    assert student.model.architecture.head.num_classes == num_classes
    assert student.model.teacher.head.num_classes == num_classes
    assert not osp.exists(tmp_path / 'bench')  # planned, nothing written


@pytest.mark.parametrize('extra,message', [
    (['--pairs', 'vit-s_nope'], "--pairs: 'vit-s_nope' is not a pair"),
    (['--methods', 'lfcc_xyz'], "--methods: 'lfcc_xyz' is not a method"),
    (['--jobs', '0'], '--jobs must be >= 1, got 0'),
    (['--epochs', '0'], '--epochs must be >= 1, got 0'),
    (['--seeds', '1', '1'], '--seeds must be unique'),
    (['--seeds', '0', '-1'], '--seeds must be >= 0, got [-1]'),
    (['--dataset', 'cifar10'], '--dataset cifar10 needs --data-root'),
    (['--data-root', '/tmp'], '--data-root is for --dataset cifar10'),
    (['--dataset', 'cifar100', '--data-root', '/tmp', '--train-root',
      '/tmp'], '--train-root/--test-root are for class folders'),
    (['--train-root', '/no/such/dir'], '--train-root /no/such/dir is not'),
])
def test_bad_flags_are_one_line(tmp_path, capsys, extra, message):
    """Refused before anything is built or written (in-process: fast)."""
    from .test_cli_errors import _error_line, _tool
    tool = _tool('tools/benchmark/kd_bench.py')
    work = tmp_path / 'w'
    line = _error_line(capsys, lambda: tool.main(
        ['--work-dir', str(work)] + extra))
    assert message in line, line
    assert not work.exists()
