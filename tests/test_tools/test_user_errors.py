"""User mistakes become one line and exit code 2; bugs keep the traceback."""
import pytest

import lfcc_mm  # noqa: F401 - registers LFCCConnector
from lfcc_mm.models import LFCCConnector, RecorderSourceError
from lfcc_mm.utils.user_errors import (EXIT_USER_ERROR, UserError,
                                       exit_on_user_error, user_error_message)


def _raised(fn):
    try:
        fn()
    except Exception as err:  # noqa: BLE001
        return err
    raise AssertionError('nothing raised')


def test_lfcc_value_error_is_a_user_error():
    err = _raised(lambda: LFCCConnector(in_channels=0))
    assert user_error_message(err) == (
        'ValueError: in_channels must be a positive int, got 0')


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
