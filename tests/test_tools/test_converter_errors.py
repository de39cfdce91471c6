"""The model converters: a bad input is one line, exit 2, nothing left behind.

Issue 18 item 5: a torn checkpoint given to ``extract_student.py``, a
read-only export destination, ``timm_upgrade.py`` onto a folder or a
read-only folder, and a failed write (no temporary file left).
"""
import errno
import importlib.util
import os
import os.path as osp
from pathlib import Path

import pytest
import torch

import lfcc_mm  # noqa: F401
from lfcc_mm.errors import EXIT_USER_ERROR
from lfcc_mm.fileio import stale_temp_files

from .conftest import TOOLS

CONVERTERS = TOOLS / 'model_converters'


def _tool(name: str):
    spec = importlib.util.spec_from_file_location(f'conv_{name}',
                                                  CONVERTERS / f'{name}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _line(main, argv, capsys, monkeypatch) -> str:
    monkeypatch.delenv('LFCC_DEBUG', raising=False)
    capsys.readouterr()
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == EXIT_USER_ERROR
    lines = [ln for ln in capsys.readouterr().err.splitlines()
             if ': error: ' in ln]
    assert len(lines) == 1, lines
    return lines[0].split(': error: ', 1)[1]


def _read_only(monkeypatch, folder: Path) -> None:
    """Make ``folder`` read-only for the checks (the tests run as root)."""
    real = os.access
    monkeypatch.setattr(
        'lfcc_mm.cli.config_checks.os.access',
        lambda p, mode: False if osp.abspath(p) == str(folder) else real(
            p, mode))


@pytest.fixture(scope='module')
def extract():
    return _tool('extract_student')


@pytest.fixture(scope='module')
def timm_upgrade():
    return _tool('timm_upgrade')


@pytest.mark.parametrize('content', [b'', b'PK\x03\x04torn'])
def test_extract_student_torn_checkpoint(extract, content, capsys,
                                         monkeypatch, tmp_path):
    src = tmp_path / 'epoch_1.pth'
    src.write_bytes(content)
    line = _line(extract.main, [str(src), str(tmp_path / 'student.pth')],
                 capsys, monkeypatch)
    assert line.startswith(f'checkpoint {str(src)!r} is ')
    assert 'so it was not loaded' in line
    assert not (tmp_path / 'student.pth').exists()


def test_extract_student_read_only_destination(extract, capsys, monkeypatch,
                                               tmp_path):
    src = tmp_path / 'epoch_1.pth'
    torch.save({'state_dict': {'architecture.w': torch.zeros(2)}}, src)
    out = tmp_path / 'ro'
    out.mkdir()
    _read_only(monkeypatch, out)
    line = _line(extract.main, [str(src), str(out / 'student.pth')], capsys,
                 monkeypatch)
    assert line.startswith(f"destination {str(out / 'student.pth')!r} "
                           f'cannot be written: {str(out)!r} is read-only')


def _args(src: Path, dst: Path):
    return [str(src), str(dst), '--model', 'resnet18', '--num-classes', '10']


def test_timm_upgrade_onto_a_folder(timm_upgrade, capsys, monkeypatch,
                                    tmp_path):
    src = tmp_path / 'old.pth'
    src.write_bytes(b'x')
    line = _line(timm_upgrade.main, _args(src, tmp_path), capsys,
                 monkeypatch)
    assert line.startswith(f'dst {str(tmp_path)!r} is a folder; give the '
                           'converted checkpoint a file name')
    assert sorted(os.listdir(tmp_path)) == ['old.pth']


def test_timm_upgrade_read_only_folder(timm_upgrade, capsys, monkeypatch,
                                       tmp_path):
    src = tmp_path / 'old.pth'
    src.write_bytes(b'x')
    out = tmp_path / 'ro'
    out.mkdir()
    _read_only(monkeypatch, out)
    line = _line(timm_upgrade.main, _args(src, out / 'new.pth'), capsys,
                 monkeypatch)
    assert line.startswith(f"dst {str(out / 'new.pth')!r} cannot be written")


def test_timm_upgrade_full_disk_leaves_no_temporary(timm_upgrade, capsys,
                                                    monkeypatch, tmp_path):
    """The save fails mid-write: one line, no checkpoint-size temporary."""
    pytest.importorskip('timm')
    import timm
    src = tmp_path / 'old.pth'
    model = timm.create_model('resnet18', num_classes=10)
    torch.save(model.state_dict(), src)

    def full(obj, f, *args, **kwargs):
        f.write(b'\0' * 4096)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(torch, 'save', full)
    line = _line(timm_upgrade.main, _args(src, tmp_path / 'new.pth'), capsys,
                 monkeypatch)
    assert line.startswith(f"dst {str(tmp_path / 'new.pth')!r} could not be "
                           'written: No space left on device')
    assert sorted(os.listdir(tmp_path)) == ['old.pth']
    assert stale_temp_files(str(tmp_path)) == []


def test_timm_upgrade_torn_source(timm_upgrade, capsys, monkeypatch,
                                  tmp_path):
    pytest.importorskip('timm')
    src = tmp_path / 'old.pth'
    src.write_bytes(b'PK\x03\x04torn')
    line = _line(timm_upgrade.main, _args(src, tmp_path / 'new.pth'), capsys,
                 monkeypatch)
    assert line.startswith(f'cannot read {str(src)!r} with weights_only=True')
    assert sorted(os.listdir(tmp_path)) == ['old.pth']
