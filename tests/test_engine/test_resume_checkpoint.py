"""``--resume``: which checkpoint, and what happens when there is none."""
import os

import pytest
import torch

from lfcc_mm.engine import (checkpoint_problem, find_resume_checkpoint,
                            resume_settings)
from lfcc_mm.errors import UserError


def save(path, step: int, mtime: float) -> str:
    """A small torch.save zip checkpoint with mmengine's top-level keys."""
    torch.save(dict(meta=dict(iter=step), state_dict=dict(
        w=torch.full((64, 64), float(step)))), path)
    os.utime(path, (mtime, mtime))
    return str(path)


@pytest.fixture
def work_dir(tmp_path):
    """iter_1.pth and iter_2.pth (newer), last_checkpoint -> iter_2.pth."""
    save(tmp_path / 'iter_1.pth', 1, 1000)
    save(tmp_path / 'iter_2.pth', 2, 2000)
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'iter_2.pth'))
    return tmp_path


@pytest.fixture
def logged(monkeypatch):
    """The messages resume_settings logs, as (level, text)."""
    messages = []
    monkeypatch.setattr(
        'mmengine.logging.print_log',
        lambda msg, logger=None, level=20: messages.append((level, msg)))
    return messages


def test_last_checkpoint_is_taken_when_complete(work_dir, logged):
    assert find_resume_checkpoint(str(work_dir)) == (
        str(work_dir / 'iter_2.pth'), [])
    assert resume_settings('auto', str(work_dir)) == (
        True, str(work_dir / 'iter_2.pth'))
    assert logged == [(20, 'Auto resumed from the latest checkpoint '
                       f'{work_dir / "iter_2.pth"}.')]


def test_torn_latest_falls_back_to_the_previous(work_dir, logged):
    latest = work_dir / 'iter_2.pth'
    latest.write_bytes(latest.read_bytes()[:latest.stat().st_size // 2])
    assert 'truncated or corrupt' in checkpoint_problem(str(latest))
    path, skipped = find_resume_checkpoint(str(work_dir))
    assert path == str(work_dir / 'iter_1.pth')
    [note] = skipped
    assert note.startswith(
        f'{latest} (named by last_checkpoint) is truncated or corrupt (')
    assert resume_settings('auto', str(work_dir)) == (True, path)
    [(level, message)] = logged
    assert level == 30 and f'resuming from {path}' in message
    assert str(latest) in message


def test_a_flipped_byte_fails_the_checksum(work_dir):
    latest = work_dir / 'iter_2.pth'
    data = bytearray(latest.read_bytes())
    middle = data.index(b'\x00\x00\x00\x40', 200)  # inside the 2.0 tensor
    data[middle + 2] ^= 0xFF
    latest.write_bytes(bytes(data))
    assert 'checksum' in checkpoint_problem(str(latest))
    assert find_resume_checkpoint(str(work_dir))[0] == str(
        work_dir / 'iter_1.pth')


@pytest.mark.parametrize('content', ['', '\n', '/nowhere/iter_9.pth'])
def test_empty_or_dangling_last_checkpoint_falls_back_to_the_newest(
        work_dir, content):
    (work_dir / 'last_checkpoint').write_text(content)
    path, skipped = find_resume_checkpoint(str(work_dir))
    assert path == str(work_dir / 'iter_2.pth')
    assert skipped == [
        f'{work_dir / "last_checkpoint"} is empty' if not content.strip()
        else '/nowhere/iter_9.pth (named by last_checkpoint) does not exist']


def test_missing_last_checkpoint_takes_the_newest_written(work_dir):
    (work_dir / 'last_checkpoint').unlink()
    os.utime(work_dir / 'iter_1.pth', (3000, 3000))  # rewritten last
    (work_dir / 'best_accuracy_top1_iter_2.pth').write_bytes(
        (work_dir / 'iter_2.pth').read_bytes())  # no optimizer: skipped
    path, skipped = find_resume_checkpoint(str(work_dir))
    assert path == str(work_dir / 'iter_1.pth')
    assert skipped == [f'{work_dir / "last_checkpoint"} is missing']


def test_auto_without_any_checkpoint_warns_and_starts_over(tmp_path, logged):
    (tmp_path / 'iter_3.pth').write_bytes(b'')  # torn at its first byte
    assert resume_settings('auto', str(tmp_path)) == (False, None)
    [(level, message)] = logged
    assert level == 30
    assert message.startswith(f'--resume auto: no complete checkpoint in '
                              f'{tmp_path}')
    assert 'iter_3.pth is empty (0 bytes)' in message
    assert message.endswith('so training starts from scratch.')
    assert resume_settings('auto', str(tmp_path / 'new')) == (False, None)
    assert resume_settings(None, str(tmp_path)) == (False, None)


def test_explicit_path_must_be_a_complete_checkpoint(work_dir):
    assert resume_settings(str(work_dir / 'iter_1.pth'), str(work_dir)) == (
        True, str(work_dir / 'iter_1.pth'))
    with pytest.raises(UserError) as missing:
        resume_settings(str(work_dir / 'iter_9.pth'), 'unused')
    assert str(missing.value) == (
        f"--resume checkpoint '{work_dir / 'iter_9.pth'}' does not exist "
        f'({work_dir} holds iter_2.pth, iter_1.pth; --resume auto picks '
        'the newest complete one in the work dir)')
    (work_dir / 'iter_1.pth').write_bytes(b'PK\x03\x04 torn')
    with pytest.raises(UserError, match=r"iter_1.pth' is truncated or "
                       r'corrupt .* holds iter_2.pth;'):
        resume_settings(str(work_dir / 'iter_1.pth'), 'unused')
    with pytest.raises(UserError, match='is a directory'):
        resume_settings(str(work_dir), 'unused')
