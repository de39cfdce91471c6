"""kd_bench / quickstart: bad flags and files are one clear line, exit 2."""
from __future__ import annotations

import importlib.util
import os
import os.path as osp

import pytest

import lfcc_mm  # noqa: F401
from lfcc_mm.cli import EXIT_USER_ERROR

from .conftest import REPO, make_image_folder


def _tool(path: str):
    """Import a tool script as a module."""
    spec = importlib.util.spec_from_file_location(
        osp.splitext(osp.basename(path))[0], osp.join(REPO, path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def kd_bench(monkeypatch):
    module = _tool('tools/benchmark/kd_bench.py')
    # this process already ran torch ops: the ISA pin is tested elsewhere
    monkeypatch.setattr(module, 'pin_cpu_numerics',
                        lambda threads, cpu_isa: dict(threads=threads))
    return module


def _error_line(capsys, call) -> str:
    with pytest.raises(SystemExit) as info:
        call()
    assert info.value.code == EXIT_USER_ERROR
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    return err


def test_kd_bench_train_and_test_classes_differ(kd_bench, tmp_path, capsys):
    train, test = str(tmp_path / 'train'), str(tmp_path / 'test')
    make_image_folder(train, 2)
    make_image_folder(test, 2)
    os.rename(osp.join(test, 'ship'), osp.join(test, 'bird'))
    line = _error_line(capsys, lambda: kd_bench.main([
        '--train-root', train, '--test-root', test,
        '--work-dir', str(tmp_path / 'w')]))
    assert "only in train: ['ship'], only in test: ['bird']" in line


def test_kd_bench_torn_results_json(kd_bench, image_folders, tmp_path,
                                    capsys):
    work = tmp_path / 'bench'
    work.mkdir()
    torn = '{"settings": {}, "runs": [{"pair": "vit2cnn", "top1": 4'
    (work / 'results.json').write_text(torn)
    line = _error_line(capsys, lambda: kd_bench.main([
        '--train-root', image_folders['train'], '--test-root',
        image_folders['test'], '--work-dir', str(work), '--quick',
        '--methods', 'scratch']))
    assert f'results file {str(work / "results.json")!r} is not valid JSON' in line
    assert (work / 'results.json').read_text() == torn
    assert sorted(os.listdir(work)) == ['results.json']


def test_kd_bench_training_set_smaller_than_batch(kd_bench, image_folders,
                                                  tmp_path, capsys):
    line = _error_line(capsys, lambda: kd_bench.main([
        '--train-root', image_folders['train'], '--test-root',
        image_folders['test'], '--work-dir', str(tmp_path / 'w'),
        '--methods', 'scratch', '--cfg-options',
        'train_dataloader.batch_size=32']))
    assert 'the training set has 24 images, fewer than the batch size 32' \
        in line and '--train-per-class' in line
    assert not (tmp_path / 'w' / 'results.json').exists()


@pytest.mark.parametrize('flags, message', [
    (['--seed', '-3'], '--seed must be >= 0, got -3'),
    (['--threads', '0'], '--threads must be >= 1, got 0'),
])
def test_quickstart_bad_flags(capsys, tmp_path, flags, message):
    quickstart = _tool('tools/quickstart.py')
    work = tmp_path / 'qs'
    line = _error_line(capsys, lambda: quickstart.main(
        flags + ['--work-dir', str(work)]))
    assert ': error: ' in line
    assert message in line
    assert not work.exists()  # refused before anything was written


def test_quickstart_work_dir_is_a_file(capsys, tmp_path):
    quickstart = _tool('tools/quickstart.py')
    work = tmp_path / 'taken'
    work.write_text('')
    line = _error_line(capsys, lambda: quickstart.main(
        ['--work-dir', str(work)]))
    assert f'--work-dir {work} is a file, not a folder' in line
