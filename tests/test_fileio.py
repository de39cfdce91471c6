"""lfcc_mm.fileio: the one atomic writer (old or new file, never torn)."""
import errno
import json
import os
import stat

import pytest
import torch

from lfcc_mm.fileio import (atomic_path, stale_temp_files, torch_save_atomic,
                            write_bytes_atomic, write_json_atomic,
                            write_text_atomic)


def test_writers_write_complete_normal_files(tmp_path):
    target = tmp_path / 'sub' / 'r.json'  # the folder is created
    assert write_json_atomic(str(target), dict(a=[1, 2])) == str(target)
    assert json.loads(target.read_text()) == dict(a=[1, 2])
    write_json_atomic(str(target), dict(b=1), indent=None)
    assert target.read_text() == '{"b": 1}'
    write_text_atomic(str(tmp_path / 't.md'), 'é\nx')
    assert (tmp_path / 't.md').read_bytes() == 'é\nx'.encode('utf-8')
    write_bytes_atomic(str(tmp_path / 'b.bin'), b'\x00\x01')
    assert (tmp_path / 'b.bin').read_bytes() == b'\x00\x01'
    torch_save_atomic(dict(w=torch.arange(3)), str(tmp_path / 'w.pth'))
    assert torch.equal(torch.load(tmp_path / 'w.pth')['w'], torch.arange(3))
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert sorted(p.name for p in (tmp_path).iterdir()) == [
        'b.bin', 'sub', 't.md', 'w.pth']


@pytest.mark.parametrize('failure', [
    KeyboardInterrupt(), OSError(errno.ENOSPC, 'No space left on device'),
    ValueError('not serialisable')])
def test_any_failure_keeps_the_old_file_and_removes_the_temp(
        tmp_path, failure):
    path = tmp_path / 'r.json'
    write_json_atomic(str(path), dict(old=True))
    with pytest.raises(type(failure)):
        with atomic_path(str(path)) as tmp:
            with open(tmp, 'w') as f:
                f.write('{"new": tr')  # torn
            raise failure
    assert json.loads(path.read_text()) == dict(old=True)
    assert os.listdir(tmp_path) == ['r.json']


def test_one_temp_name_scheme_and_stale_temps(tmp_path):
    names = []
    with atomic_path(str(tmp_path / 'epoch_1.pth')) as tmp:
        names.append(os.path.basename(tmp))
        assert os.path.dirname(tmp) == str(tmp_path)  # same file system
        # A kill -9 now would leave exactly this file behind.
        assert stale_temp_files(str(tmp_path), '*.pth') == [tmp]
        assert stale_temp_files(str(tmp_path), 'last_checkpoint') == []
    assert names[0].startswith('.epoch_1.pth.') and names[0].endswith('.tmp')
    assert stale_temp_files(str(tmp_path), '*.pth') == []
    assert os.listdir(tmp_path) == ['epoch_1.pth']
