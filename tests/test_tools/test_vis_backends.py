"""``tools/train.py --vis-backend``: TensorBoard / W&B next to the JSON."""
import argparse
import glob
import importlib.util
import os.path as osp

import pytest

import lfcc_mm  # noqa: F401
from lfcc_mm.cli.runner import load_config, run
from lfcc_mm.cli.vis_backends import apply_vis_backends
from lfcc_mm.errors import UserError
from mmengine.config import Config

from .conftest import TINY_CONFIG, write_tiny_images


def _args(**kwargs) -> argparse.Namespace:
    defaults = dict(config=str(TINY_CONFIG), work_dir=None, cfg_options=None,
                    launcher='none', amp=False, resume=None, checkpoint=None,
                    vis_backend=None)
    return argparse.Namespace(**dict(defaults, **kwargs))


def test_backends_are_added_once_to_the_configs_own():
    cfg = Config(dict(visualizer=dict(
        type='UniversalVisualizer',
        vis_backends=[dict(type='LocalVisBackend'),
                      dict(type='mmengine.TensorboardVisBackend')])))
    if importlib.util.find_spec('tensorboard') is None:
        pytest.skip('tensorboard is not installed')
    apply_vis_backends(cfg, _args(vis_backend=['tensorboard']))
    assert [b['type'] for b in cfg.visualizer.vis_backends] == [
        'LocalVisBackend', 'mmengine.TensorboardVisBackend']
    bare = Config(dict())
    apply_vis_backends(bare, _args(vis_backend=['tensorboard']))
    # the JSON the benchmark plots read stays
    assert [b['type'] for b in bare.visualizer.vis_backends] == [
        'LocalVisBackend', 'TensorboardVisBackend']
    untouched = Config(dict())
    apply_vis_backends(untouched, _args())
    assert 'visualizer' not in untouched


@pytest.mark.skipif(importlib.util.find_spec('wandb') is not None,
                    reason='wandb is installed here')
def test_a_missing_package_is_refused_before_training():
    with pytest.raises(UserError, match=r'--vis-backend wandb: the .wandb. '
                       r'package is not installed; pip install -e '
                       r'"\.\[wandb\]"'):
        apply_vis_backends(Config(dict()), _args(vis_backend=['wandb']))


@pytest.mark.slow
def test_tensorboard_gets_every_loss_term(tmp_path, monkeypatch):
    pytest.importorskip('tensorboard',
                        reason='pip install -e .[tensorboard] to run this')
    from tensorboard.backend.event_processing.event_accumulator import \
        EventAccumulator
    write_tiny_images(tmp_path / 'data' / 'tiny', per_class=2)
    monkeypatch.chdir(tmp_path)
    cfg = load_config(_args(
        vis_backend=['tensorboard'], work_dir=str(tmp_path / 'w'),
        cfg_options={'train_cfg.max_iters': 2, 'train_cfg.val_interval': 2,
                     'default_hooks.checkpoint.interval': 2}), 'train')
    run(cfg, 'train')
    vis_dir, = glob.glob(str(tmp_path / 'w' / '*' / 'vis_data'))
    events = glob.glob(osp.join(vis_dir, 'events.out.tfevents.*'))
    assert len(events) == 1
    assert osp.isfile(osp.join(vis_dir, 'scalars.json'))
    acc = EventAccumulator(events[0])
    acc.Reload()
    tags = set(acc.Tags()['scalars'])
    assert {'loss', 'student.loss', 'distill.loss_lfcc', 'lr',
            'accuracy/top1'} <= tags
    assert [e.step for e in acc.Scalars('distill.loss_lfcc')] == [1, 2]
