"""feature_spectrum.py: mistakes are one line (exit 2), before any model."""
import os.path as osp
import runpy
import shutil

import pytest

import lfcc_bench.analysis
from lfcc_mm.errors import EXIT_USER_ERROR, UserError
from mmrazor.registry import MODELS

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(ROOT, 'tools', 'analysis', 'feature_spectrum.py')


@pytest.fixture
def no_model(monkeypatch):
    """Fail the test if a model is built."""

    def build(*args, **kwargs):
        raise AssertionError('a model was built')

    monkeypatch.setattr(MODELS, 'build', build)


@pytest.fixture(scope='module')
def tool():
    return runpy.run_path(TOOL)  # the module's globals, not run as __main__


def test_num_images_below_cka_minimum_exits_2(tiny_config, image_folder,
                                              no_model, monkeypatch, capsys):
    def no_loader(*args, **kwargs):
        raise AssertionError('images were loaded')

    monkeypatch.setattr(lfcc_bench.analysis, 'build_image_folder_loader',
                        no_loader)
    monkeypatch.delenv('LFCC_DEBUG', raising=False)
    monkeypatch.setattr('sys.argv', ['feature_spectrum.py', tiny_config,
                                     '--data', image_folder,
                                     '--num-images', '3'])
    with pytest.raises(SystemExit) as info:
        runpy.run_path(TOOL, run_name='__main__')
    assert info.value.code == EXIT_USER_ERROR
    assert capsys.readouterr().err == (
        'feature_spectrum.py: error: --num-images 3: the debiased CKA needs '
        'at least 4 images (a few hundred give stable numbers) '
        '[LFCC_DEBUG=1 shows the traceback]\n')


def test_biased_cka_needs_two_images(tool, tiny_config, image_folder):
    args = tool['parse_args']([tiny_config, '--data', image_folder,
                               '--num-images', '3', '--biased-cka'])
    tool['check_args'](args)  # 3 >= 2
    args.num_images = 1
    with pytest.raises(UserError, match='the biased CKA needs at least 2'):
        tool['check_args'](args)


def test_too_few_images_in_the_folder(tool, tiny_config, image_folder,
                                      tmp_path, no_model):
    small = tmp_path / 'small'
    for cls in ('cat', 'dog'):
        (small / cls).mkdir(parents=True)
    for name in ('cat/0.png', 'cat/1.png', 'dog/0.png'):
        shutil.copy(osp.join(image_folder, name), small / name)
    with pytest.raises(UserError, match=f"--data '{small}' holds 3 images; "
                       'the debiased CKA needs at least 4'):
        tool['main']([tiny_config, '--data', str(small), '--work-dir',
                      str(tmp_path / 'out')])
    assert not (tmp_path / 'out').exists()  # nothing written


@pytest.mark.parametrize('extra, message', [
    (['--student-ckpt', 'nope.pth'], "--student-ckpt 'nope.pth' does not "
     'exist'),
    (['--teacher-ckpt', 't.pth'], "--teacher-ckpt 't.pth' does not exist"),
    (['--batch-size', '0'], '--batch-size must be >= 1, got 0'),
    (['--cfg-options', 'model.distiler.x=1'], "'model.distiler' is not in "
     "the config (did you mean 'model.distiller'?)"),
])
def test_options_are_checked_before_any_model(tool, tiny_config, image_folder,
                                              no_model, extra, message):
    with pytest.raises(UserError) as info:
        tool['main']([tiny_config, '--data', image_folder] + extra)
    assert message in str(info.value)


def test_data_and_config_paths(tool, tiny_config, tmp_path, image_folder):
    with pytest.raises(UserError, match="--data 'nowhere' is not a folder"):
        tool['main']([tiny_config, '--data', 'nowhere'])
    bad = tmp_path / 'bad.py'
    bad.write_text('model = dict(\n')
    with pytest.raises(UserError, match=f'config file {bad}, line 1: '
                       'syntax error'):
        tool['main']([str(bad), '--data', image_folder])
    (tmp_path / 'taken').write_text('')
    with pytest.raises(UserError, match='is an existing file, not a folder'):
        tool['main']([tiny_config, '--data', image_folder, '--work-dir',
                      str(tmp_path / 'taken')])
