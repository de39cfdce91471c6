"""``tools/test.py --tta`` and ``--show-dir`` on a distillation config."""
import argparse
import os.path as osp
import pickle

import mmcv
import pytest
import torch
from mmengine.registry import init_default_scope

import lfcc_mm  # noqa: F401 - custom_imports of the tiny config
from lfcc_mm.cli.runner import load_config, run
from lfcc_mm.errors import UserError
from mmpretrain.structures import DataSample
from mmrazor.registry import MODELS

from .conftest import TINY_CONFIG, write_tiny_images


def _args(**kwargs) -> argparse.Namespace:
    defaults = dict(config=str(TINY_CONFIG), work_dir=None, cfg_options=None,
                    launcher='none', checkpoint=None, out=None,
                    out_item=None, no_pin_memory=False, amp=False,
                    show_dir=None, interval=1, tta=False)
    return argparse.Namespace(**dict(defaults, **kwargs))


@pytest.fixture(scope='module')
def project(tmp_path_factory):
    """Tiny images and a checkpoint whose weights differ from a fresh
    model's (so a test that did not load it would give other scores)."""
    root = tmp_path_factory.mktemp('show_tta')
    write_tiny_images(root / 'data' / 'tiny', per_class=3)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        cfg = load_config(_args(checkpoint=__file__), 'test')
    init_default_scope('mmrazor')
    torch.manual_seed(1)
    model = MODELS.build(cfg.model)
    with torch.no_grad():
        for p in model.architecture.parameters():
            p.add_(0.5 * torch.randn_like(p))
    ckpt = root / 'model.pth'
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), ckpt)
    return root, ckpt, model.eval()


def _student_scores(model, img_path: str, flip: bool) -> torch.Tensor:
    """The student's class scores for one image, as the test pipeline
    loads it (BGR, CHW), optionally flipped left-right."""
    img = torch.from_numpy(mmcv.imread(img_path)).permute(2, 0, 1)
    if flip:
        img = img.flip(-1)
    with torch.no_grad():
        out = model.test_step(dict(inputs=[img],
                                   data_samples=[DataSample()]))
    return out[0].pred_score


@pytest.mark.slow
def test_tta_averages_the_students_scores_on_image_and_flip(
        project, monkeypatch):
    root, ckpt, model = project
    monkeypatch.chdir(root)
    cfg = load_config(_args(checkpoint=str(ckpt), tta=True,
                            out=str(root / 'tta.pkl'),
                            work_dir=str(root / 'w_tta')), 'test')
    assert cfg.model.type == 'mmpretrain.AverageClsScoreTTA'
    assert cfg.model.module.type == 'LFCC'  # the distillation model inside
    assert cfg.test_dataloader.dataset.pipeline[-1].type == \
        'mmpretrain.TestTimeAug'
    run(cfg, 'test')
    with open(root / 'tta.pkl', 'rb') as f:
        preds = pickle.load(f)
    assert len(preds) == 6
    for p in preds:
        expected = (_student_scores(model, p['img_path'], False)
                    + _student_scores(model, p['img_path'], True)) / 2
        torch.testing.assert_close(p['pred_score'], expected, atol=1e-5,
                                   rtol=1e-4)
    # the flip matters for these weights: TTA is not the plain prediction
    plain = _student_scores(model, preds[0]['img_path'], False)
    assert not torch.allclose(preds[0]['pred_score'], plain, atol=1e-4)


@pytest.mark.slow
def test_show_dir_draws_the_students_predictions(project, monkeypatch):
    root, ckpt, _ = project
    monkeypatch.chdir(root)
    cfg = load_config(_args(checkpoint=str(ckpt), show_dir='shown',
                            work_dir=str(root / 'w_show')), 'test')
    hook = cfg.default_hooks.visualization
    assert hook.enable is True and hook.out_dir == str(root / 'shown')
    assert cfg.visualizer.type == 'mmpretrain.UniversalVisualizer'
    run(cfg, 'test')
    # mmpretrain names each drawing after the image file (0.png in both
    # class folders: the later class's drawing replaces the earlier one)
    drawn = sorted(p.name for p in (root / 'shown').iterdir())
    assert drawn == ['0.png_0.png', '1.png_0.png', '2.png_0.png']
    with open(root / 'shown' / drawn[0], 'rb') as f:
        assert f.read(8) == b'\x89PNG\r\n\x1a\n'


def test_show_dir_and_tta_refuse_what_they_cannot_do(project, monkeypatch,
                                                     tmp_path):
    root, ckpt, _ = project
    monkeypatch.chdir(root)
    with pytest.raises(UserError, match='--show-dir with --tta'):
        load_config(_args(checkpoint=str(ckpt), show_dir='x', tta=True),
                    'test')
    with pytest.raises(UserError, match=r"--show-dir .* is a file"):
        load_config(_args(checkpoint=str(ckpt), show_dir=str(ckpt)), 'test')
    with pytest.raises(UserError, match='--interval 0'):
        load_config(_args(checkpoint=str(ckpt), show_dir='x', interval=0),
                    'test')
    bad = tmp_path / 'plain_visualizer.py'
    bad.write_text(f'_base_ = [{str(TINY_CONFIG)!r}]\n'
                   "visualizer = dict(type='Visualizer')\n")
    with pytest.raises(UserError, match='visualizer.type=mmpretrain.'
                       'UniversalVisualizer'):
        load_config(_args(config=str(bad), checkpoint=str(ckpt),
                          show_dir='x'), 'test')
    wrapped = tmp_path / 'no_pipeline.py'
    wrapped.write_text(f'_base_ = [{str(TINY_CONFIG)!r}]\n'
                       'test_dataloader = dict(dataset=dict(_delete_=True, '
                       "type='mmpretrain.CustomDataset', "
                       "data_root='data/tiny'))\n")
    with pytest.raises(UserError, match='set tta_pipeline in the config'):
        load_config(_args(config=str(wrapped), checkpoint=str(ckpt),
                          tta=True), 'test')
    # a config's own tta_model and tta_pipeline are used as they are
    own = tmp_path / 'own_tta.py'
    own.write_text(f'_base_ = [{str(TINY_CONFIG)!r}]\n'
                   "tta_model = dict(type='mmpretrain.AverageClsScoreTTA', "
                   "data_preprocessor=None)\n"
                   "tta_pipeline = [dict(type='mmpretrain.LoadImageFromFile'),"
                   " dict(type='mmpretrain.PackInputs')]\n")
    cfg = load_config(_args(config=str(own), checkpoint=str(ckpt), tta=True),
                      'test')
    assert cfg.model.data_preprocessor is None
    assert [t['type'] for t in cfg.test_dataloader.dataset.pipeline] == [
        'mmpretrain.LoadImageFromFile', 'mmpretrain.PackInputs']
    assert osp.isabs(load_config(_args(checkpoint=str(ckpt), show_dir='rel'),
                                 'test').default_hooks.visualization.out_dir)
