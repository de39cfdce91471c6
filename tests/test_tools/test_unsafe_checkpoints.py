"""train.py --resume / test.py: no code runs, no accuracy of wrong weights.

Issue 10.1: a checkpoint that would run code on load is refused with one
line (exit 2) by every tool. Issue 10.2: ``tools/test.py`` loads strictly, so
a checkpoint that does not fit the config is an error, not an accuracy of
random weights; a frozen teacher from ``teacher_ckpt`` may be absent.
The tools run in-process (``call_tool``).
"""
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmrazor.registry import MODELS

import lfcc_mm  # noqa: F401 - registers the models
from lfcc_mm.errors import EXIT_USER_ERROR

from test_checkpoint.payload import write_code_running_checkpoint
from .conftest import TINY_CONFIG


def _error_line(result, tool: str) -> str:
    """The single ``<tool>: error:`` line; no traceback, no accuracy."""
    assert result.returncode == EXIT_USER_ERROR, result.stderr[-3000:]
    assert 'Traceback' not in result.stderr
    assert 'accuracy/top1' not in result.stdout
    lines = [line for line in result.stderr.splitlines()
             if line.startswith(f'{tool}: error: ')]
    assert len(lines) == 1, result.stderr[-3000:]
    return lines[0]


@pytest.fixture
def evil(tmp_path):
    marker = tmp_path / 'code_ran'
    return write_code_running_checkpoint(tmp_path / 'iter_2.pth',
                                         marker), marker


def test_resume_refuses_a_code_running_checkpoint(call_tool, evil,
                                                  tmp_path):
    path, marker = evil
    line = _error_line(
        call_tool('train.py', 'tiny.py', '--resume', path, '--work-dir',
                  str(tmp_path / 'work')), 'train.py')
    assert f"checkpoint {path!r} was refused by torch's weights-only" in line
    assert "getattr(function, '__self__')" in line
    assert not marker.exists()


def test_test_tool_refuses_a_code_running_checkpoint(call_tool, evil,
                                                     tmp_path):
    path, marker = evil
    line = _error_line(
        call_tool('test.py', 'tiny.py', path, '--work-dir',
                  str(tmp_path / 'work')), 'test.py')
    assert "was refused by torch's weights-only loader" in line
    assert not marker.exists()


@pytest.fixture(scope='module')
def distilled(tmp_path_factory):
    """A teacher file and a distillation checkpoint without the teacher."""
    root = tmp_path_factory.mktemp('distilled')
    init_default_scope('mmrazor')
    cfg = Config.fromfile(str(TINY_CONFIG)).model
    torch.manual_seed(0)
    teacher = MODELS.build(cfg.teacher)
    torch.save(dict(state_dict=teacher.state_dict()), root / 'teacher.pth')
    cfg.teacher_ckpt = str(root / 'teacher.pth')
    model = MODELS.build(cfg)
    state = model.state_dict()
    assert not any(k.startswith('teacher.') for k in state)
    torch.save(dict(state_dict=state, meta={}), root / 'student_only.pth')
    bad = dict(state)
    bad['architecture.head.fc.weight'] = bad.pop(
        'architecture.head.layers.head.weight')
    torch.save(dict(state_dict=bad, meta={}), root / 'other_head.pth')
    return root


def test_test_tool_loads_a_checkpoint_without_the_frozen_teacher(
        call_tool, distilled, tmp_path):
    result = call_tool(
        'test.py', 'tiny.py', str(distilled / 'student_only.pth'),
        '--work-dir', str(tmp_path / 'work'), '--cfg-options',
        f'model.teacher_ckpt={distilled / "teacher.pth"}')
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'accuracy/top1:' in result.stdout


def test_test_tool_refuses_weights_that_do_not_fit(call_tool, distilled,
                                                   tmp_path):
    path = str(distilled / 'other_head.pth')
    line = _error_line(
        call_tool('test.py', 'tiny.py', path, '--work-dir',
                  str(tmp_path / 'work'), '--cfg-options',
                  f'model.teacher_ckpt={distilled / "teacher.pth"}'),
        'test.py')
    assert (f"checkpoint {path!r} does not match the model: 1 missing keys "
            '[architecture.head.layers.head.weight], 1 unexpected keys '
            '[architecture.head.fc.weight], 0 shape mismatches') in line
