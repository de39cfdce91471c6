"""Bad inputs that ``tools/train.py``/``tools/test.py`` refuse before work.

Issue 18 items 3 (strict ``--resume``/``load_from``), 4 (class mismatches)
and 5 (one line instead of a traceback), all in-process through the tools'
``main(argv)``: each case asserts exit code 2 and the one stderr line.
"""
import errno
import importlib.util
import os
import os.path as osp
import shutil
from pathlib import Path
from typing import List, Sequence

import pytest
import torch

import lfcc_mm  # noqa: F401
from lfcc_mm.errors import EXIT_USER_ERROR
from lfcc_mm.fileio import stale_temp_files

from .conftest import TINY_CONFIG, TOOLS, write_tiny_images

SUFFIX = ' [LFCC_DEBUG=1 shows the traceback]'


def _tool(path: Path):
    spec = importlib.util.spec_from_file_location(f'tool_{path.stem}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def train_tool():
    return _tool(TOOLS / 'train.py')


@pytest.fixture(scope='module')
def test_tool():
    return _tool(TOOLS / 'test.py')


def error_line(main, prog: str, argv: Sequence[str], capsys,
               monkeypatch) -> str:
    """Run ``main(argv)``; assert exit 2 and one error line; return it."""
    monkeypatch.delenv('LFCC_DEBUG', raising=False)
    monkeypatch.setattr('sys.argv', [prog])
    capsys.readouterr()
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    assert info.value.code == EXIT_USER_ERROR
    lines = [line for line in capsys.readouterr().err.splitlines()
             if line.startswith(f'{prog}: error: ')]
    assert len(lines) == 1, lines
    assert lines[0].endswith(SUFFIX)
    return lines[0][len(f'{prog}: error: '):-len(SUFFIX)]


@pytest.fixture(scope='module')
def project(tmp_path_factory) -> Path:
    """``data/tiny`` (2 classes x 4 images) and a 2-iteration run."""
    root = tmp_path_factory.mktemp('preflight')
    write_tiny_images(root / 'data' / 'tiny')
    return root


@pytest.fixture(scope='module')
def trained(project, train_tool) -> Path:
    """``iter_2.pth`` of a finished 2-iteration run of the tiny config."""
    work = project / 'trained'
    cwd = os.getcwd()
    os.chdir(project)
    try:
        train_tool.main([str(TINY_CONFIG), '--work-dir', str(work),
                         '--no-validate', '--cfg-options',
                         'train_cfg.max_iters=2'])
    finally:
        os.chdir(cwd)
    assert (work / 'iter_2.pth').is_file()
    return work / 'iter_2.pth'


@pytest.fixture
def in_project(project, monkeypatch) -> Path:
    monkeypatch.chdir(project)
    return project


def _crafted(src: Path, dst: Path, drop: str = '', only: str = '') -> str:
    """``src`` without the keys starting with ``drop`` (or only ``only``)."""
    ckpt = torch.load(src, map_location='cpu', weights_only=False)
    state = ckpt['state_dict']
    keys = [k for k in state if (drop and k.startswith(drop))
            or (only and not k.startswith(only))]
    for key in keys:
        del state[key]
    if only:
        ckpt['state_dict'] = type(state)(
            (k[len(only):], v) for k, v in state.items())
    torch.save(ckpt, dst)
    return str(dst)


# ------------------------------------------------------- item 3: strictness
def test_resume_missing_student_block(trained, in_project, train_tool,
                                      capsys, monkeypatch, tmp_path):
    ckpt = _crafted(trained, tmp_path / 'iter_2.pth',
                    drop='architecture.backbone.layers.1.')
    line = error_line(train_tool.main, 'train.py', [
        str(TINY_CONFIG), '--work-dir', str(tmp_path / 'w'), '--resume',
        ckpt], capsys, monkeypatch)
    assert line.startswith(f'--resume checkpoint {ckpt!r} does not match '
                           'the model: ')
    assert 'missing keys [architecture.backbone.layers.1.' in line
    assert '0 unexpected keys' in line and '0 shape mismatches' in line
    assert '--load-non-strict' in line


def test_load_from_another_model(trained, in_project, train_tool, capsys,
                                 monkeypatch, tmp_path):
    # the teacher alone: a plain ImageClassifier's checkpoint
    ckpt = _crafted(trained, tmp_path / 'teacher.pth', only='teacher.')
    line = error_line(train_tool.main, 'train.py', [
        str(TINY_CONFIG), '--work-dir', str(tmp_path / 'w'),
        '--cfg-options', f'load_from={ckpt}'], capsys, monkeypatch)
    assert line.startswith(f'load_from {ckpt!r} does not match the model')
    assert 'unexpected keys [backbone.' in line


def test_resume_changed_connector_shapes(trained, in_project, train_tool,
                                         capsys, monkeypatch, tmp_path):
    line = error_line(train_tool.main, 'train.py', [
        str(TINY_CONFIG), '--work-dir', str(tmp_path / 'w'), '--resume',
        str(trained), '--cfg-options',
        'model.distiller.connectors.s2.embed_dim=8',
        'model.distiller.connectors.t4.embed_dim=8'], capsys, monkeypatch)
    assert 'does not match the model: 0 missing keys' in line
    assert 'shape mismatches [distiller.connectors.' in line


def test_non_strict_only_when_asked(trained, in_project, train_tool,
                                    tmp_path):
    ckpt = _crafted(trained, tmp_path / 'part.pth',
                    drop='architecture.backbone.layers.1.')
    work = tmp_path / 'w'
    train_tool.main([str(TINY_CONFIG), '--work-dir', str(work),
                     '--no-validate', '--load-non-strict', '--cfg-options',
                     f'load_from={ckpt}', 'train_cfg.max_iters=1',
                     'default_hooks.checkpoint.interval=1'])
    assert (work / 'iter_1.pth').is_file()


# --------------------------------------------------- item 4: class mismatches
def _folders(root: Path, names: List[str], per_class: int = 1) -> str:
    for i, name in enumerate(names):
        (root / name).mkdir(parents=True, exist_ok=True)
        for j in range(per_class):
            shutil.copy(Path('data/tiny/bright/0.png'),
                        root / name / f'{j}.png')
    return str(root)


def test_train_and_val_classes_differ(in_project, train_tool, capsys,
                                      monkeypatch, tmp_path):
    val = _folders(tmp_path / 'val', ['bright', 'dim'])
    line = error_line(train_tool.main, 'train.py', [
        str(TINY_CONFIG), '--work-dir', str(tmp_path / 'w'),
        '--cfg-options', f'val_dataloader.dataset.data_root={val}'], capsys,
        monkeypatch)
    assert line.startswith('train_dataloader.dataset has 2 classes and '
                           'val_dataloader.dataset 2, which differ (only in '
                           'train: [dark], only in val: [dim])')


def test_more_classes_than_the_head(in_project, train_tool, capsys,
                                    monkeypatch, tmp_path):
    data = _folders(tmp_path / 'ten', [f'c{i}' for i in range(3)])
    line = error_line(train_tool.main, 'train.py', [
        str(TINY_CONFIG), '--work-dir', str(tmp_path / 'w'), '--no-validate',
        '--cfg-options', f'train_dataloader.dataset.data_root={data}'],
        capsys, monkeypatch)
    assert line.startswith(
        "train_dataloader.dataset has 3 classes [c0, c1, c2] but the model's "
        'architecture.head has num_classes=2; set num_classes=3')


def test_empty_first_class_folder(in_project, train_tool, capsys,
                                  monkeypatch, tmp_path):
    data = _folders(tmp_path / 'data', ['b', 'c'], per_class=2)
    (tmp_path / 'data' / 'a').mkdir()
    shutil.rmtree(tmp_path / 'data' / 'c')
    line = error_line(train_tool.main, 'train.py', [
        str(TINY_CONFIG), '--work-dir', str(tmp_path / 'w'), '--no-validate',
        '--cfg-options', f'train_dataloader.dataset.data_root={data}'],
        capsys, monkeypatch)
    assert line.startswith('train_dataloader.dataset: the class folders [a] '
                           'hold no image (of 2 classes)')


def test_teacher_ckpt_of_other_classes(trained, in_project, train_tool,
                                       capsys, monkeypatch, tmp_path):
    teacher = _crafted(trained, tmp_path / 'teacher.pth', only='teacher.')
    ckpt = torch.load(teacher, weights_only=False)
    ckpt['meta'] = dict(dataset_meta=dict(classes=('cat', 'dog')))
    torch.save(ckpt, teacher)
    line = error_line(train_tool.main, 'train.py', [
        str(TINY_CONFIG), '--work-dir', str(tmp_path / 'w'), '--no-validate',
        '--cfg-options', f'model.teacher_ckpt={teacher}'], capsys,
        monkeypatch)
    assert line.startswith(
        f'teacher_ckpt {teacher!r} was trained on the classes [cat, dog] (2), '
        'the training set has [bright, dark] (2)')


# ------------------------------------------------ item 5: one line, up front
@pytest.mark.parametrize('content', [b'', b'PK\x03\x04torn'])
def test_test_tool_torn_checkpoint(content, in_project, test_tool, capsys,
                                   monkeypatch, tmp_path):
    ckpt = tmp_path / 'model.pth'
    ckpt.write_bytes(content)
    line = error_line(test_tool.main, 'test.py', [
        str(TINY_CONFIG), str(ckpt), '--work-dir', str(tmp_path / 'w')],
        capsys, monkeypatch)
    problem = 'is empty (0 bytes)' if not content else 'is truncated or'
    assert line.startswith(f'checkpoint {str(ckpt)!r} {problem}')


def test_torn_teacher_ckpt(in_project, train_tool, capsys, monkeypatch,
                           tmp_path, trained):
    torn = tmp_path / 'teacher.pth'
    torn.write_bytes(trained.read_bytes()[:2000])
    line = error_line(train_tool.main, 'train.py', [
        str(TINY_CONFIG), '--work-dir', str(tmp_path / 'w'),
        '--cfg-options', f'model.teacher_ckpt={torn}'], capsys, monkeypatch)
    assert f'checkpoint {str(torn)!r} is truncated or corrupt' in line


def test_config_import_error(in_project, train_tool, capsys, monkeypatch,
                             tmp_path):
    cfg = tmp_path / 'bad.py'
    cfg.write_text(f'_base_ = [{str(TINY_CONFIG)!r}]\ncustom_imports = dict('
                   "imports=['no_such_module_lfcc'], "
                   'allow_failed_imports=False)\n')
    line = error_line(train_tool.main, 'train.py', [str(cfg)], capsys,
                      monkeypatch)
    assert line.startswith(f"config file {cfg}: an import failed (module "
                           "'no_such_module_lfcc')")


def test_cfg_option_of_the_wrong_type(in_project, train_tool, capsys,
                                      monkeypatch, tmp_path):
    line = error_line(train_tool.main, 'train.py', [
        str(TINY_CONFIG), '--work-dir', str(tmp_path / 'w'),
        '--cfg-options', 'train_cfg.max_iters=abc'], capsys, monkeypatch)
    assert line == ("--cfg-options: train_cfg.max_iters='abc': the config "
                    'holds an int (4) there, so the value must be an '
                    'integer, not text; write e.g. train_cfg.max_iters=4')


def test_dataset_smaller_than_one_batch(in_project, train_tool, capsys,
                                        monkeypatch, tmp_path):
    data = _folders(tmp_path / 'small', ['bright', 'dark'])
    line = error_line(train_tool.main, 'train.py', [
        str(TINY_CONFIG), '--work-dir', str(tmp_path / 'w'), '--no-validate',
        '--cfg-options', f'train_dataloader.dataset.data_root={data}',
        'train_dataloader.sampler.type=DefaultSampler',
        '+train_dataloader.drop_last=True',
        'train_cfg._delete_=True', 'train_cfg.type=EpochBasedTrainLoop',
        '+train_cfg.max_epochs=1'], capsys, monkeypatch)
    assert line.startswith('train_dataloader: the dataset has 2 samples, '
                           'fewer than one batch (batch_size=4)')


def _read_only(monkeypatch, folder: Path) -> None:
    """Make ``folder`` read-only for the checks (the tests run as root)."""
    real = os.access
    monkeypatch.setattr(
        'lfcc_mm.cli.config_checks.os.access',
        lambda p, mode: False if osp.abspath(p) == str(folder) else real(
            p, mode))


def test_read_only_work_dir(in_project, train_tool, capsys, monkeypatch,
                            tmp_path):
    _read_only(monkeypatch, tmp_path)
    line = error_line(train_tool.main, 'train.py', [
        str(TINY_CONFIG), '--work-dir', str(tmp_path / 'w')], capsys,
        monkeypatch)
    assert line.startswith(f"work_dir {str(tmp_path / 'w')!r} cannot be "
                           f'written: {str(tmp_path)!r} is read-only')
    assert not (tmp_path / 'w').exists()


def test_read_only_checkpoint_out_dir(in_project, train_tool, capsys,
                                      monkeypatch, tmp_path):
    out = tmp_path / 'ro'
    out.mkdir()
    _read_only(monkeypatch, out)
    line = error_line(train_tool.main, 'train.py', [
        str(TINY_CONFIG), '--work-dir', str(tmp_path / 'w'), '--cfg-options',
        f'+default_hooks.checkpoint.out_dir={out}'], capsys, monkeypatch)
    assert line.startswith(f'default_hooks.checkpoint.out_dir {str(out)!r} '
                           'cannot be written')


def test_read_only_test_out(in_project, test_tool, capsys, monkeypatch,
                            tmp_path, trained):
    out = tmp_path / 'ro'
    out.mkdir()
    _read_only(monkeypatch, out)
    line = error_line(test_tool.main, 'test.py', [
        str(TINY_CONFIG), str(trained), '--out', str(out / 'preds.pkl'),
        '--work-dir', str(tmp_path / 'w')], capsys, monkeypatch)
    assert line.startswith(f"--out {str(out / 'preds.pkl')!r} cannot be "
                           f'written: {str(out)!r} is read-only')


@pytest.mark.parametrize('hook', ['AtomicCheckpointHook', 'CheckpointHook'])
def test_disk_full_during_a_save(hook, in_project, train_tool, capsys,
                                 monkeypatch, tmp_path):
    """ENOSPC mid-write: the last good checkpoint stays, no partial file."""
    import mmengine.runner.runner as runner_module
    real = runner_module.save_checkpoint
    calls = []

    def save_checkpoint(checkpoint, filename, *args, **kwargs):
        calls.append(filename)
        if len(calls) == 1:
            return real(checkpoint, filename, *args, **kwargs)
        with open(filename, 'wb') as f:
            f.write(b'PK\x03\x04 half a checkpoint')
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(runner_module, 'save_checkpoint', save_checkpoint)
    work = tmp_path / 'w'
    line = error_line(train_tool.main, 'train.py', [
        str(TINY_CONFIG), '--work-dir', str(work), '--no-validate',
        '--cfg-options', f'default_hooks.checkpoint.type={hook}'], capsys,
        monkeypatch)
    assert line.startswith(f"No space left on device while writing "
                           f"{str(work / 'iter_4.pth')!r}; the partial file "
                           'was removed')
    assert not (work / 'iter_4.pth').exists()
    assert stale_temp_files(str(work)) == []
    assert torch.load(work / 'iter_2.pth', weights_only=False)['meta'][
        'iter'] == 2
    assert (work / 'last_checkpoint').read_text().strip().endswith(
        'iter_2.pth')
