"""Shipped weights (lfcc_mm.zoo): checksums, lookup, URLs, loading.

In-process and offline; the installed-wheel check is ``test_wheel.py``.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import torch

from lfcc_mm import zoo
from lfcc_mm.checkpoint import load_checkpoint_file
from lfcc_mm.errors import UserError

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / 'checkpoints'
RESULTS = REPO / 'results' / 'benchmark_cifar10' / 'results.json'


def _shipped_folder(tmp_path: Path, name: str = 'w.pth') -> Path:
    """A folder with one saved state dict and its SHA256SUMS."""
    path = tmp_path / name
    torch.save({'weight': torch.arange(4.)}, path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    (tmp_path / zoo.SUMS_FILE).write_text(f'{digest}  {name}\n')
    return path


def test_verify_shipped_accepts_the_recorded_file(tmp_path):
    path = _shipped_folder(tmp_path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert zoo.recorded_sha256(str(path)) == digest
    assert zoo.verify_shipped(str(path)) == digest
    # the loader checks it and reads it
    assert torch.equal(load_checkpoint_file(str(path))['weight'],
                       torch.arange(4.))


def test_a_changed_shipped_file_is_refused_on_load(tmp_path):
    path = _shipped_folder(tmp_path)
    torch.save({'weight': torch.zeros(4)}, path)  # replaced in place
    with pytest.raises(zoo.ShippedWeightsError) as err:
        load_checkpoint_file(str(path))
    line = str(err.value)
    assert isinstance(err.value, UserError) and '\n' not in line
    assert str(path) in line and zoo.SUMS_FILE in line
    assert 'model.teacher_ckpt=PATH' in line


def test_files_not_listed_are_not_checked(tmp_path):
    _shipped_folder(tmp_path)
    other = tmp_path / 'mine.pth'
    torch.save({'a': torch.ones(1)}, other)
    assert zoo.recorded_sha256(str(other)) is None
    assert zoo.verify_shipped(str(other)) is None
    assert load_checkpoint_file(str(other))['a'].item() == 1.0
    lone = tmp_path / 'sub'
    lone.mkdir()
    torch.save({}, lone / 'w.pth')  # no SHA256SUMS in its folder
    assert zoo.verify_shipped(str(lone / 'w.pth')) is None


def test_a_malformed_sums_line_names_file_and_line(tmp_path):
    path = _shipped_folder(tmp_path)
    (tmp_path / zoo.SUMS_FILE).write_text('\nnot-a-digest  w.pth\n')
    with pytest.raises(UserError, match=r'SHA256SUMS:2: expected'):
        zoo.verify_shipped(str(path))


def test_committed_sums_match_the_files_and_the_benchmark_rows():
    """SHA256SUMS, the files and the teacher_sha256 that results.json
    recorded when the benchmark tested them all agree."""
    sums = sorted(SHIPPED.rglob(zoo.SUMS_FILE))
    assert sums, 'no SHA256SUMS under checkpoints/'
    listed = {}
    for sums_path in sums:
        for name, digest in zoo.read_sums(str(sums_path)).items():
            path = sums_path.parent / name
            assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
            listed[path.relative_to(REPO).as_posix()] = digest
    # every shipped .pth is listed (an unlisted one would go unchecked)
    assert {p.relative_to(REPO).as_posix()
            for p in SHIPPED.rglob('*.pth')} == set(listed)
    rows = json.loads(RESULTS.read_text())['runs']
    tested = {r['checkpoint']: r['teacher_sha256'] for r in rows
              if r['method'] == 'teacher' and not r['trained']}
    assert tested and all(listed[ckpt] == sha for ckpt, sha in
                          tested.items())


def test_release_file_names_are_unique():
    """The release is flat (one asset per file name): two shipped files
    with one name would overwrite each other there and in mim's --dest."""
    names = [p.name for p in SHIPPED.rglob('*.pth')]
    assert len(names) == len(set(names))


def test_shipped_path_works_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = zoo.shipped_path('benchmark/cifar10/vit-s_cifar10.pth')
    assert Path(path).is_absolute()
    assert Path(path).resolve() == (
        SHIPPED / 'benchmark' / 'cifar10' / 'vit-s_cifar10.pth').resolve()
    assert zoo.is_shipped('benchmark/cifar10/vit-s_cifar10.pth')
    with pytest.raises(UserError, match=r"'benchmark/nope.pth': no such"):
        zoo.shipped_path('benchmark/nope.pth')


def test_student_weights_name_mirrors_the_config_folder():
    assert zoo.student_weights_name(
        'configs/benchmark/cifar10/kd_vit-s_res18-w16_cifar10.py') == \
        'benchmark/cifar10/students/kd_vit-s_res18-w16_cifar10.pth'
    with pytest.raises(ValueError):
        zoo.student_weights_name('kd.py')


def test_weights_url_is_flat_and_https():
    url = zoo.weights_url('benchmark/cifar10/students/kd_a_b_cifar10.pth')
    assert url == f'{zoo.WEIGHTS_URL}/kd_a_b_cifar10.pth'
    assert url.startswith('https://')
