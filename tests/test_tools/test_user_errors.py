"""User mistakes become one line and exit code 2; bugs keep the traceback."""
import pytest

import lfcc_mm  # noqa: F401 - registers LFCCConnector
from lfcc_mm.models import LFCCConnector, RecorderSourceError
from lfcc_mm.utils.user_errors import (EXIT_USER_ERROR, UnreadableImageError,
                                       UserError, exit_on_user_error,
                                       read_json, user_error_message)


def _raised(fn):
    try:
        fn()
    except Exception as err:  # noqa: BLE001
        return err
    raise AssertionError('nothing raised')


def test_lfcc_value_error_is_a_user_error():
    err = _raised(lambda: LFCCConnector(in_channels=0))
    assert user_error_message(err) == (
        'ValueError: LFCCConnector: in_channels must be a positive int (the '
        'channels C of the recorded feature), got 0.')


def test_foreign_value_error_is_a_bug():
    assert user_error_message(_raised(lambda: int('x'))) is None
    assert user_error_message(RuntimeError('boom')) is None


def test_key_error_message_has_no_quotes():
    message = user_error_message(RecorderSourceError("s2: source 'a.b'"))
    assert message == "RecorderSourceError: s2: source 'a.b'"


def test_exit_prints_one_line_and_exits_2(capsys, monkeypatch):
    monkeypatch.delenv('LFCC_DEBUG', raising=False)
    monkeypatch.setattr('sys.argv', ['train.py'])
    with pytest.raises(SystemExit) as info:
        with exit_on_user_error():
            raise UserError('model.x: multi\n  line  message')
    assert info.value.code == EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert err == ('train.py: error: model.x: multi line message '
                   '[LFCC_DEBUG=1 shows the traceback]\n')


def test_bugs_and_debug_mode_keep_the_exception(monkeypatch):
    monkeypatch.delenv('LFCC_DEBUG', raising=False)
    with pytest.raises(RuntimeError):
        with exit_on_user_error():
            raise RuntimeError('a bug')
    monkeypatch.setenv('LFCC_DEBUG', '1')
    with pytest.raises(UserError):
        with exit_on_user_error():
            raise UserError('shown with its traceback')


def test_read_json_names_a_torn_file(tmp_path):
    path = tmp_path / 'results.json'
    path.write_text('{"runs": [{"top1": 91.5}, {"top1": 9')  # killed write
    with pytest.raises(UserError) as info:
        read_json(str(path), 'benchmark results')
    message = user_error_message(info.value)
    assert message.startswith(f"benchmark results '{path}' is not valid "
                              'JSON (Expecting')
    assert 'line 1 column' in message and 'interrupted write' in message
    path.write_text('{"runs": []}')
    assert read_json(str(path), 'benchmark results') == {'runs': []}
    with pytest.raises(FileNotFoundError):
        read_json(str(tmp_path / 'none.json'), 'benchmark results')


def test_worker_error_is_reported_by_its_own_message():
    # How torch re-raises an exception of a DataLoader worker.
    text = ('Caught UnreadableImageError in DataLoader worker process 0.\n'
            'Original Traceback (most recent call last):\n'
            '  File "x.py", line 1, in f\n'
            '    raise UnreadableImageError(...)\n'
            'lfcc_mm.utils.user_errors.UnreadableImageError: cannot read '
            "image 'a/b.png' (OSError: broken); replace or remove the file\n")
    assert user_error_message(UnreadableImageError(text)) == (
        "cannot read image 'a/b.png' (OSError: broken); replace or remove "
        'the file')


@pytest.mark.parametrize('worker', [False, True])
def test_mmcv_failed_image_assertion_is_one_line(worker):
    text = 'failed to load image: data/x/3.png'
    if worker:
        text = ('Caught AssertionError in DataLoader worker process 1.\n'
                'Original Traceback (most recent call last):\n'
                '  File "loading.py", line 9, in transform\n'
                f'AssertionError: {text}\n')
    assert user_error_message(AssertionError(text)) == (
        "cannot read image 'data/x/3.png': the decoder found no image in it "
        '(corrupt, truncated or not an image); replace or remove the file')
    assert user_error_message(AssertionError('another assert')) is None
