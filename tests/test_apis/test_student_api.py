"""``lfcc_mm.apis``: the distilled student, exported and re-loaded, predicts
exactly what the distillation model's own student does in ``tools/test.py``,
whichever config and checkpoint it is given; weights that do not fit are one
error, never a model.
"""
import os
import pickle
from pathlib import Path

import pytest
import torch

from lfcc_mm.apis import init_student, student_config
from lfcc_mm.checkpoint import CheckpointMismatchError, save_atomic
from lfcc_mm.errors import EXIT_USER_ERROR
from test_tools.conftest import REPO, TINY_CONFIG

from .conftest import data_options

EXTRACT = REPO / 'tools' / 'model_converters' / 'extract_student.py'
TEST_TOOL = REPO / 'tools' / 'test.py'


def _run(tool_main, args, cwd):
    """``python TOOL ARGS...`` in ``cwd``, in-process (``tool_main``)."""
    script = Path(args[0]).relative_to(REPO).as_posix()
    return tool_main(script, args[1:], cwd)


def _options(data_root):
    return [f'{k}={v}' for k, v in data_options(data_root).items()]


@pytest.fixture(scope='module')
def exported(distilled, tmp_path_factory, tool_main):
    """``extract_student.py`` of the run's ``iter_4.pth``, from another cwd.

    The config is found beside the checkpoint (the Runner dumped it there).
    """
    dst = tmp_path_factory.mktemp('export') / 'tiny_student.pth'
    src = Path(distilled.work_dir) / 'iter_4.pth'
    result = _run(tool_main, [EXTRACT, src, dst],
                  cwd=tmp_path_factory.mktemp('cwd'))
    assert result.returncode == 0, result.stderr[-3000:]
    config = dst.with_suffix('.py')
    assert f'wrote its config {config}' in result.stdout
    assert f'tools/test.py {config} {dst}' in result.stdout
    return dst, config


@pytest.fixture(scope='module')
def test_tool_scores(distilled, tiny_data, tmp_path_factory,
                     tool_main):
    """Scores of ``tools/test.py`` on the distillation config + checkpoint."""
    out = tmp_path_factory.mktemp('test_out') / 'preds.pkl'
    result = _run(tool_main, [TEST_TOOL, TINY_CONFIG,
                              Path(distilled.work_dir) / 'iter_4.pth',
                              '--work-dir', out.parent / 'w', '--out', out,
                              '--cfg-options', *_options(tiny_data)],
                  cwd=out.parent)
    assert result.returncode == 0, result.stderr[-3000:]
    with open(out, 'rb') as f:
        preds = pickle.load(f)
    return {Path(p['img_path']).name + p['img_path'].split(os.sep)[-2]:
            p['pred_score'] for p in preds}


def _scores(model, tiny_data):
    """``ImageClassificationInferencer`` scores of every tiny image."""
    from mmpretrain.apis import ImageClassificationInferencer

    # The inferencer loads images itself and drops the loader by its exact
    # name, 'LoadImageFromFile'; the tiny config spells it with its scope.
    pipeline = model._config.test_dataloader.dataset.pipeline
    if pipeline[0]['type'] == 'mmpretrain.LoadImageFromFile':
        pipeline[0]['type'] = 'LoadImageFromFile'
    inferencer = ImageClassificationInferencer(model=model)
    paths = sorted(str(p) for p in tiny_data.glob('*/*.png'))
    results = inferencer(paths, batch_size=4)
    return {Path(p).name + p.split(os.sep)[-2]: torch.as_tensor(
        r['pred_scores']) for p, r in zip(paths, results)}


def _assert_same(ours, theirs):
    assert sorted(ours) == sorted(theirs) and len(ours) == 8
    for key in ours:
        torch.testing.assert_close(torch.as_tensor(ours[key]),
                                   torch.as_tensor(theirs[key]),
                                   rtol=1e-5, atol=1e-6)


def test_distill_returns_the_trained_student(distilled):
    """The returned model holds exactly the run's last weights."""
    assert type(distilled.model).__name__ == 'ImageClassifier'
    assert not distilled.model.training
    ckpt = torch.load(Path(distilled.work_dir) / 'iter_4.pth',
                      map_location='cpu')
    state = distilled.model.state_dict()
    trained = {k[len('architecture.'):]: v
               for k, v in ckpt['state_dict'].items()
               if k.startswith('architecture.')}
    assert set(state) == set(trained)
    for key, value in trained.items():
        torch.testing.assert_close(state[key], value, rtol=0, atol=0)
    assert Path(distilled.checkpoint).is_file()
    assert Path(distilled.config).is_file()
    assert tuple(distilled.model._dataset_meta['classes']) == ('bright',
                                                              'dark')


def test_exported_student_predicts_as_test_py(exported, distilled, tiny_data,
                                              test_tool_scores):
    """init_student == mmpretrain's init_model == the distillation model in
    tools/test.py, on the same images."""
    from mmpretrain.apis import init_model
    dst, config = exported
    ours = init_student(config, dst)
    plain = init_model(str(config), str(dst))
    _assert_same(_scores(ours, tiny_data), test_tool_scores)
    _assert_same(_scores(plain, tiny_data), test_tool_scores)
    _assert_same(_scores(distilled.model, tiny_data), test_tool_scores)


@pytest.mark.parametrize('which', ['distill_cfg+student_ckpt',
                                   'student_cfg+distill_ckpt',
                                   'distill_cfg+distill_ckpt'])
def test_either_config_with_either_checkpoint(which, exported, distilled,
                                              tiny_data, test_tool_scores):
    dst, config = exported
    full = Path(distilled.work_dir) / 'iter_4.pth'
    cfg, ckpt = dict(
        {'distill_cfg+student_ckpt': (TINY_CONFIG, dst),
         'student_cfg+distill_ckpt': (config, full),
         'distill_cfg+distill_ckpt': (TINY_CONFIG, full)})[which]
    model = init_student(cfg, ckpt)
    assert type(model).__name__ == 'ImageClassifier'  # never the wrapper
    _assert_same(_scores(model, tiny_data), test_tool_scores)


def test_mismatched_checkpoint_is_one_error(exported, tmp_path):
    """A head weight missing and an extra key: one line naming both."""
    dst, config = exported
    state = torch.load(dst, map_location='cpu')['state_dict']
    head = sorted(k for k in state if k.startswith('head.'))[0]
    del state[head]
    state['backbone.extra'] = torch.zeros(1)
    bad = tmp_path / 'bad.pth'
    save_atomic(dict(state_dict=state), str(bad))
    with pytest.raises(CheckpointMismatchError) as info:
        init_student(config, bad)
    message = str(info.value)
    assert '\n' not in message
    assert f'1 missing keys [{head}]' in message
    assert '1 unexpected keys [backbone.extra]' in message
    assert 'Pass the config the checkpoint was trained with' in message


def test_extract_refuses_a_config_that_does_not_fit(distilled, tmp_path,
                                                    tiny_data, tool_main):
    """Another student config: exit 2, one line, nothing written."""
    other = tmp_path / 'other.py'
    other.write_text(
        f'_base_ = [{str(TINY_CONFIG)!r}]\n'
        'model = dict(architecture=dict(backbone=dict(arch=dict('
        'embed_dims=48, feedforward_channels=96)), head=dict('
        'in_channels=48)))\n')
    dst = tmp_path / 'out' / 'student.pth'
    src = Path(distilled.work_dir) / 'iter_4.pth'
    result = _run(tool_main, [EXTRACT, src, dst, '--config', other],
                  cwd=tmp_path)
    assert result.returncode == EXIT_USER_ERROR
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and 'error:' in lines[0]
    assert 'shape mismatches' in lines[0] and '--config' in lines[0]
    assert not dst.exists() and not dst.with_suffix('.py').exists()


def test_student_config_of_a_zoo_name():
    """A zoo config name is a student config: returned as loaded."""
    cfg = student_config('mmpretrain::resnet/resnet18_8xb32_in1k.py')
    assert cfg.model.backbone.depth == 18 and 'architecture' not in cfg.model
