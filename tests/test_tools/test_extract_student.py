"""``tools/model_converters/extract_student.py`` exports a plain student.

It reads safely, never overwrites its source and writes atomically.
"""
import importlib.util
import os
import sys

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

import lfcc_mm  # noqa: F401 - registers LFCC before the model is built
from mmpretrain.registry import MODELS as MMPRETRAIN_MODELS
from mmrazor.registry import MODELS as MMRAZOR_MODELS

from lfcc_mm.errors import EXIT_USER_ERROR
from test_checkpoint.payload import write_code_running_checkpoint

from .conftest import TINY_CONFIG, TOOLS

TOOL = TOOLS / 'model_converters' / 'extract_student.py'


@pytest.mark.slow
def test_student_loads_strictly_and_predicts_the_same(run_tool,
                                                      trained_work_dir,
                                                      tiny_project):
    src = trained_work_dir / 'iter_4.pth'
    dst = tiny_project / 'exported' / 'student.pth'
    result = run_tool('model_converters/extract_student.py', str(src),
                      str(dst))
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'dropped' in result.stdout and 'teacher.*' in result.stdout

    exported = torch.load(dst, map_location='cpu')
    assert set(exported) == {'state_dict', 'meta'}
    assert exported['meta']['iter'] == 4
    assert not any(k.startswith(('architecture.', 'teacher.', 'distiller.'))
                   for k in exported['state_dict'])

    cfg = Config.fromfile(str(TINY_CONFIG))
    student = MMPRETRAIN_MODELS.build(cfg.model.architecture)  # plain
    student.load_state_dict(exported['state_dict'], strict=True)
    with DefaultScope.overwrite_default_scope('mmrazor'):
        algorithm = MMRAZOR_MODELS.build(cfg.model)
    ckpt = torch.load(src, map_location='cpu')
    algorithm.load_state_dict(ckpt['state_dict'], strict=True)

    torch.manual_seed(0)
    images = torch.randn(3, 3, 32, 32)
    student.eval()
    algorithm.eval()
    with torch.no_grad():
        ours = student(images, mode='tensor')
        theirs = algorithm.architecture(images, mode='tensor')
    torch.testing.assert_close(ours, theirs, rtol=0, atol=0)
    assert type(student).__name__ == 'ImageClassifier'


def _tool():
    spec = importlib.util.spec_from_file_location('extract_student', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(monkeypatch, capsys, *args):
    """Run the tool in this process: (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, 'argv', ['extract_student.py', *map(str, args)])
    try:
        _tool().main()
        code = 0
    except SystemExit as err:
        code = err.code
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def distillation_ckpt(tmp_path):
    path = tmp_path / 'iter_4.pth'
    torch.save(dict(meta=dict(iter=4, seed=0), state_dict={
        'architecture.backbone.w': torch.ones(2),
        'distiller.connectors.s.w': torch.zeros(3)}), path)
    return path


def _one_error_line(code, err):
    assert code == EXIT_USER_ERROR
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        'extract_student.py: error: '), err
    return lines[0]


def test_exports_atomically(monkeypatch, capsys, distillation_ckpt, tmp_path):
    dst = tmp_path / 'out' / 'student.pth'
    code, out, _ = _run(monkeypatch, capsys, distillation_ckpt, dst)
    assert code == 0 and 'saved 1 student tensors' in out
    assert 'dropped 1 distiller.*' in out
    exported = torch.load(dst)
    assert list(exported['state_dict']) == ['backbone.w']
    assert exported['meta']['iter'] == 4
    assert os.listdir(dst.parent) == ['student.pth']  # no temp file left


def test_plain_keeps_every_weight_and_drops_the_training_state(
        monkeypatch, capsys, tmp_path):
    """``--plain``: how the benchmark's shipped teacher weights are made."""
    src = tmp_path / 'epoch_6.pth'
    weights = {'backbone.w': torch.arange(3.), 'head.fc.bias': torch.ones(2)}
    torch.save(dict(meta=dict(epoch=6, seed=0), state_dict=weights,
                    optimizer=dict(state={}), message_hub={}), src)
    dst = tmp_path / 'teacher.pth'
    code, out, _ = _run(monkeypatch, capsys, src, dst, '--plain')
    assert code == 0 and 'saved 2 model tensors' in out
    exported = torch.load(dst)
    assert set(exported) == {'state_dict', 'meta'}
    assert list(exported['state_dict']) == list(weights)
    assert torch.equal(exported['state_dict']['backbone.w'], torch.arange(3.))
    assert exported['meta']['epoch'] == 6


def test_plain_refuses_a_distillation_checkpoint(monkeypatch, capsys,
                                                 distillation_ckpt, tmp_path):
    line = _one_error_line(*_run(monkeypatch, capsys, distillation_ckpt,
                                 tmp_path / 'x.pth', '--plain')[::2])
    assert 'is a distillation checkpoint; leave out --plain' in line
    assert not (tmp_path / 'x.pth').exists()


@pytest.mark.parametrize('how', ['same', 'other_spelling', 'symlink'])
def test_refuses_to_overwrite_its_source(monkeypatch, capsys,
                                         distillation_ckpt, how):
    before = distillation_ckpt.read_bytes()
    dst = {'same': distillation_ckpt,
           'other_spelling': distillation_ckpt.parent / '.' /
           distillation_ckpt.name}.get(how)
    if how == 'symlink':
        dst = distillation_ckpt.parent / 'link.pth'
        dst.symlink_to(distillation_ckpt)
    line = _one_error_line(*_run(monkeypatch, capsys, distillation_ckpt,
                                 dst)[::2])
    assert 'is the source checkpoint' in line
    assert distillation_ckpt.read_bytes() == before


def test_destination_folder_is_named(monkeypatch, capsys, distillation_ckpt,
                                    tmp_path):
    folder = tmp_path / 'exports'
    folder.mkdir()
    line = _one_error_line(*_run(monkeypatch, capsys, distillation_ckpt,
                                 folder)[::2])
    assert f"destination {str(folder)!r} is a folder" in line
    assert 'student.pth' in line
    assert os.listdir(folder) == []


def test_failed_write_keeps_the_old_export(monkeypatch, capsys,
                                          distillation_ckpt, tmp_path):
    dst = tmp_path / 'student.pth'
    dst.write_bytes(b'previous export')

    def torn_save(obj, f, *args, **kwargs):
        f.write(b'half a checkpoint')
        raise OSError('disk full')

    monkeypatch.setattr(torch, 'save', torn_save)
    with pytest.raises(OSError, match='disk full'):
        _run(monkeypatch, capsys, distillation_ckpt, dst)
    assert dst.read_bytes() == b'previous export'
    assert sorted(os.listdir(tmp_path)) == ['iter_4.pth', 'student.pth']


def test_refuses_a_code_running_checkpoint(monkeypatch, capsys, tmp_path):
    marker = tmp_path / 'code_ran'
    src = write_code_running_checkpoint(tmp_path / 'evil.pth', marker)
    dst = tmp_path / 'student.pth'
    line = _one_error_line(*_run(monkeypatch, capsys, src, dst)[::2])
    assert "was refused by torch's weights-only loader" in line
    assert not marker.exists() and not dst.exists()
