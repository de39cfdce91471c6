"""``tools/test.py --out``: predictions and metrics written as mmpretrain's."""
import argparse
import json
import pickle

import pytest
import torch
from mmengine.registry import init_default_scope

import lfcc_mm  # noqa: F401 - custom_imports of the tiny config
from lfcc_mm.cli.runner import load_config, run
from mmrazor.registry import MODELS

from .conftest import TINY_CONFIG, write_tiny_images


def _args(**kwargs) -> argparse.Namespace:
    defaults = dict(config=str(TINY_CONFIG), work_dir=None, cfg_options=None,
                    launcher='none', checkpoint=None, out=None,
                    out_item=None, no_pin_memory=False, amp=False)
    return argparse.Namespace(**dict(defaults, **kwargs))


@pytest.mark.slow
def test_out_writes_predictions_and_metrics(tmp_path, monkeypatch):
    write_tiny_images(tmp_path / 'data' / 'tiny', per_class=3)
    monkeypatch.chdir(tmp_path)
    torch.manual_seed(0)
    cfg = load_config(_args(checkpoint=__file__), 'test')
    init_default_scope('mmrazor')
    model = MODELS.build(cfg.model)
    ckpt = tmp_path / 'model.pth'
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), ckpt)

    preds_file = tmp_path / 'out' / 'preds.pkl'
    run(load_config(_args(checkpoint=str(ckpt), out=str(preds_file),
                          work_dir=str(tmp_path / 'w1')), 'test'), 'test')
    with open(preds_file, 'rb') as f:
        preds = pickle.load(f)
    assert len(preds) == 6  # one per test image, in dataset order
    assert [int(p['gt_label']) for p in preds] == [0, 0, 0, 1, 1, 1]
    assert {p['img_path'].split('/')[-2] for p in preds} == {'bright',
                                                            'dark'}
    for p in preds:
        assert p['pred_score'].shape == (2, )
        assert p['pred_score'].sum().item() == pytest.approx(1.0, abs=1e-5)
        assert int(p['pred_label']) == int(p['pred_score'].argmax())
    accuracy = 100 * sum(int(p['pred_label']) == int(p['gt_label'])
                         for p in preds) / len(preds)

    metrics_file = tmp_path / 'out' / 'metrics.json'
    runner = run(load_config(_args(checkpoint=str(ckpt), out=str(metrics_file),
                          out_item='metrics', work_dir=str(tmp_path / 'w2')),
                    'test'), 'test')
    with open(metrics_file) as f:
        metrics = json.load(f)
    # The metrics file holds what the evaluator reported, and it agrees
    # with the dumped predictions.
    assert list(metrics) == ['accuracy/top1']
    assert metrics['accuracy/top1'] == pytest.approx(accuracy)
    assert runner.test_loop.fp16 is False


@pytest.mark.slow
def test_amp_runs_the_test_loop_under_autocast(tmp_path, monkeypatch):
    write_tiny_images(tmp_path / 'data' / 'tiny', per_class=1)
    monkeypatch.chdir(tmp_path)
    cfg = load_config(_args(checkpoint=__file__), 'test')
    init_default_scope('mmrazor')
    ckpt = tmp_path / 'model.pth'
    torch.save(dict(state_dict=MODELS.build(cfg.model).state_dict(),
                    meta=dict()), ckpt)
    cfg = load_config(_args(checkpoint=str(ckpt), amp=True,
                            work_dir=str(tmp_path / 'w')), 'test')
    assert cfg.test_cfg.fp16 is True
    seen = []
    # Record the autocast state inside the student's forward pass.
    from mmpretrain.models import ImageClassifier
    extract = ImageClassifier.extract_feat

    def spy(self, *args, **kwargs):
        seen.append(torch.is_autocast_cpu_enabled()
                    or torch.is_autocast_enabled())
        return extract(self, *args, **kwargs)

    monkeypatch.setattr(ImageClassifier, 'extract_feat', spy)
    runner = run(cfg, 'test')
    assert runner.test_loop.fp16 is True
    assert seen and all(seen)
