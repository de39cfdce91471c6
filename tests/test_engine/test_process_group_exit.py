"""A rank of a process group leaves through ``os._exit`` on every path.

gloo's threads can abort the interpreter's teardown (``terminate called
without an active exception``, launcher exit 1) even after a run that
finished. :func:`~lfcc_mm.cli.exit_on_error.exit_on_user_error` therefore
ends a rank with ``os._exit`` after flushing: 0 when the tool finished, 2
for a user error (one line), 1 for any other error (its traceback first).
Outside a process group nothing changes. A one-rank gloo group in this
process stands for a rank; ``os._exit`` and ``logging.shutdown`` are
recorded instead of run.
"""
import logging

import pytest
import torch.distributed as dist

from lfcc_mm.cli import exit_on_error as user_errors
from lfcc_mm.cli import UserError, exit_on_user_error


class Exited(BaseException):
    """Stands for ``os._exit``: nothing after it runs."""


@pytest.fixture
def exits(monkeypatch):
    codes = []

    def fake_exit(code):
        codes.append(code)
        raise Exited(code)

    monkeypatch.setattr(user_errors.os, '_exit', fake_exit)
    monkeypatch.setattr(logging, 'shutdown', lambda: codes.append('flush'))
    return codes


@pytest.fixture
def process_group(tmp_path):
    dist.init_process_group('gloo', init_method=f'file://{tmp_path}/store',
                            rank=0, world_size=1)
    try:
        yield
    finally:
        dist.destroy_process_group()


def test_every_path_of_a_rank_ends_in_os_exit(exits, process_group,
                                              capsys):
    with pytest.raises(Exited):
        with exit_on_user_error():
            pass  # the tool finished
    with pytest.raises(Exited):
        with exit_on_user_error():
            raise UserError('bad key')
    with pytest.raises(Exited):
        with exit_on_user_error():
            raise RuntimeError('a bug')
    assert exits == ['flush', 0, 'flush', 2, 'flush', 1]
    err = capsys.readouterr().err
    assert 'error: bad key' in err
    assert 'Traceback' in err and 'RuntimeError: a bug' in err


def test_outside_a_process_group_nothing_changes(exits):
    with exit_on_user_error():
        pass
    with pytest.raises(RuntimeError, match='a bug'):
        with exit_on_user_error():
            raise RuntimeError('a bug')
    with pytest.raises(SystemExit) as info:
        with exit_on_user_error():
            raise UserError('bad key')
    assert info.value.code == user_errors.EXIT_USER_ERROR
    assert exits == []
