"""``main()`` of train.py/test.py: a mistake is one stderr line, exit 2.

In-process (fast) counterparts of ``test_user_error_exits.py``, for the
mistakes that surface while parsing the command line or reading the data.
"""
import importlib.util
import re

import pytest

import lfcc_mm  # noqa: F401
from lfcc_mm.errors import EXIT_USER_ERROR

from .conftest import TINY_CONFIG, TOOLS, write_tiny_images


def _tool(name: str):
    spec = importlib.util.spec_from_file_location(f'tool_{name}',
                                                  TOOLS / f'{name}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _error_line(tool: str, argv, capsys, monkeypatch) -> str:
    monkeypatch.delenv('LFCC_DEBUG', raising=False)
    monkeypatch.setattr('sys.argv', [f'{tool}.py'] + list(argv))
    with pytest.raises(SystemExit) as info:
        _tool(tool).main()
    assert info.value.code == EXIT_USER_ERROR
    lines = [line for line in capsys.readouterr().err.splitlines()
             if line.startswith(f'{tool}.py: error: ')]
    assert len(lines) == 1
    return lines[0]


@pytest.mark.parametrize('tool', ['train', 'test'])
def test_cfg_options_item_without_equals_sign(tool, capsys, monkeypatch):
    argv = ['cfg.py'] + (['ckpt.pth'] if tool == 'test' else [])
    line = _error_line(tool, argv + ['--cfg-options', 'train_cfg.max_iters',
                                     '2'], capsys, monkeypatch)
    assert line == (
        f"{tool}.py: error: --cfg-options: 'train_cfg.max_iters' is not "
        'key=value; write e.g. train_cfg.max_iters=10, with no spaces around '
        '"=" or inside the value [LFCC_DEBUG=1 shows the traceback]')


def test_test_out_item_without_out(tmp_path, capsys, monkeypatch):
    write_tiny_images(tmp_path / 'data' / 'tiny', per_class=1)
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'model.pth').write_bytes(b'')
    line = _error_line('test', [str(TINY_CONFIG), 'model.pth', '--out-item',
                                'metrics'], capsys, monkeypatch)
    assert 'error: --out-item needs --out FILE' in line


@pytest.mark.slow
def test_unreadable_image_while_training(tmp_path, capsys, monkeypatch):
    root = tmp_path / 'data' / 'tiny'
    for name in ('bright', 'dark'):
        (root / name).mkdir(parents=True)
        (root / name / '0.png').write_bytes(b'\x89PNG torn')
    monkeypatch.chdir(tmp_path)
    line = _error_line('train', [
        str(TINY_CONFIG), '--no-validate', '--work-dir', 'work',
        '--cfg-options', 'train_dataloader.num_workers=1'], capsys,
        monkeypatch)
    # Raised in a DataLoader worker, reported by the worker's own message.
    assert re.fullmatch(
        r"train.py: error: cannot read image 'data/tiny/(bright|dark)/0.png':"
        r' the decoder found no image in it \(corrupt, truncated or not an '
        r'image\); replace or remove the file \[LFCC_DEBUG=1 shows the '
        r'traceback\]', line), line
