"""feature_spectrum.py --teacher-ckpt/--student-ckpt run no code of a file."""
import importlib.util
import os.path as osp
import re

import pytest
from test_checkpoint.payload import write_code_running_checkpoint

from lfcc_mm.checkpoint import UnsafeCheckpointError
from lfcc_mm.errors import EXIT_USER_ERROR

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(ROOT, 'tools', 'analysis', 'feature_spectrum.py')
REFUSED = r"was refused by torch's weights-only loader.*getattr\(function"


@pytest.fixture(scope='module')
def tool():
    spec = importlib.util.spec_from_file_location('feature_spectrum_safe',
                                                  TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize('flag', ['--teacher-ckpt', '--student-ckpt'])
def test_code_running_checkpoint_is_refused(tool, flag, tiny_config,
                                            image_folder, checkpoints,
                                            tmp_path, capsys,
                                            one_torch_thread):
    marker = tmp_path / 'code_ran'
    evil = write_code_running_checkpoint(tmp_path / 'evil.pth', marker)
    teacher = evil if flag == '--teacher-ckpt' else checkpoints['teacher']
    args = [tiny_config, '--data', image_folder, '--teacher-ckpt', teacher,
            '--num-images', '10', '--batch-size', '5', '--work-dir',
            str(tmp_path / 'out')]
    if flag == '--student-ckpt':
        args += ['--student-ckpt', evil]
    # The error, or its one line (exit 2) once the tool reports user errors.
    with pytest.raises((UnsafeCheckpointError, SystemExit)) as info:
        tool.main(args)
    if info.type is SystemExit:
        assert info.value.code == EXIT_USER_ERROR
        assert re.search(REFUSED, capsys.readouterr().err)
    else:
        assert re.search(REFUSED, str(info.value))
    assert not marker.exists()
    assert not (tmp_path / 'out' / 'spectrum.json').exists()
