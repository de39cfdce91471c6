"""A config mistake ends ``tools/train.py`` with one stderr line and code 2.

In-process (``main(argv)``, see ``call_tool``), except the ``LFCC_DEBUG``
test: that the interpreter prints the traceback and exits 1 needs a real
process.
"""
import pytest

from lfcc_mm.errors import EXIT_USER_ERROR

from .conftest import tool_env


def _error_line(result) -> str:
    """The single ``train.py: error:`` line; no traceback around it."""
    assert result.returncode == EXIT_USER_ERROR, result.stderr[-3000:]
    assert 'Traceback' not in result.stderr
    lines = [line for line in result.stderr.splitlines()
             if line.startswith('train.py: error: ')]
    assert len(lines) == 1, result.stderr[-3000:]
    assert 'LFCC_DEBUG=1' in lines[0]
    return lines[0]


def test_wrong_config_path(call_tool):
    line = _error_line(call_tool('train.py', 'configs/no_such_config.py'))
    assert "config file 'configs/no_such_config.py' does not exist" in line


def test_missing_dataset_folder_keeps_work_dir(call_tool, tiny_project):
    work_dir = tiny_project / 'work_dirs' / 'missing_data'
    work_dir.mkdir(parents=True)
    (work_dir / 'notes.txt').write_text('keep me')
    line = _error_line(
        call_tool('train.py', 'tiny.py', '--work-dir', str(work_dir),
                  '--cfg-options', 'train_dataloader.dataset.data_root=nope'))
    assert "train_dataloader.dataset.data_root: 'nope' does not exist" in line
    assert (work_dir / 'notes.txt').read_text() == 'keep me'


def test_unknown_component_name(call_tool):
    line = _error_line(
        call_tool('train.py', 'tiny.py', '--cfg-options',
                  'model.distiller.connectors.s2.type=LFCConnector'))
    assert ("model.distiller.connectors.s2.type: 'LFCConnector' is not in "
            'the mmrazor::model registry') in line
    assert "did you mean 'LFCCConnector'" in line


def test_wrong_recorder_source(call_tool):
    source = 'model.distiller.student_recorders.s2.source'
    line = _error_line(call_tool('train.py', 'tiny.py', '--cfg-options',
                                 f'{source}=backbone.layer9'))
    assert 'RecorderSourceError: student_recorders.s2' in line
    assert "'backbone.layer9' is not a module of the student" in line


@pytest.mark.slow
def test_lfcc_debug_shows_the_traceback(run_tool):
    result = run_tool('train.py', 'configs/no_such_config.py',
                      env=dict(tool_env(), LFCC_DEBUG='1'))
    assert result.returncode == 1
    assert 'Traceback' in result.stderr
    assert 'UserError' in result.stderr


def test_config_syntax_error(call_tool, tiny_project):
    (tiny_project / 'broken.py').write_text(
        "_base_ = ['tiny.py']\ntrain_cfg = dict(max_iters=2\n")
    line = _error_line(call_tool('train.py', 'broken.py'))
    assert ('config file broken.py, line 2: syntax error: '
            "'(' was never closed: train_cfg = dict(max_iters=2") in line

