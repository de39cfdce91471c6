"""One config per recipe trains and validates through mmengine's Runner.

The real config (schedule, optimizer with its paramwise rules, hooks,
augmentation pipeline, Mixup / CutMix, distillation validation loop) runs one
epoch of 2 iterations on 4 random images (2 epochs
after a warm-up). Only the data source is swapped for
an mmpretrain ``CustomDataset`` folder in a temporary directory, the teacher
checkpoint is cleared and checkpoint saving is off.
"""
import copy
import math

import numpy as np
import pytest
from mmengine import Config
from mmengine.runner import Runner
from PIL import Image

from .config_helpers import CONFIGS, INPUT_SIZE, strip_pretrained

# One LFCC pair per recipe: ImageNet CNN / ViT student, CIFAR CNN / MLP.
RECIPE_EXAMPLES = [
    'lfcc/lfcc_deit-s_res18_8xb32_in1k.py',
    'lfcc/lfcc_res50_deit-t_8xb128_in1k.py',
    'lfcc/lfcc_deit-s-p4_res18_8xb16_cifar100.py',
    'lfcc/lfcc_res50_mixer-s-p4_8xb64_cifar100.py',
]


def _image_folder(root, size, per_class=(2, 2)):
    """Random RGB images of ``size`` pixels, ``per_class[k]`` in class k."""
    rng = np.random.default_rng(0)
    for cls, count in zip(('class_a', 'class_b'), per_class):
        (root / cls).mkdir(parents=True)
        for i in range(count):
            pixels = rng.integers(0, 256, (size, size, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(root / cls / f'{i}.png')
    return str(root)


def _tiny_loader(loader, data_root, batch_size=2):
    """The config's dataloader (``drop_last`` etc. kept), reading
    ``data_root`` with its pipeline."""
    loader = copy.deepcopy(loader)
    pipeline = list(loader.dataset.pipeline)
    if pipeline[0]['type'] != 'LoadImageFromFile':  # CIFAR: arrays in memory
        pipeline.insert(0, dict(type='LoadImageFromFile'))
    loader.dataset = dict(
        type='CustomDataset', data_root=data_root, pipeline=pipeline)
    loader.update(
        batch_size=batch_size, num_workers=0, persistent_workers=False)
    return loader


def _shorten_schedule(cfg):
    """Train 1 epoch, or 2 after a warm-up: the warm-up then lasts epoch 1
    and the schedulers that follow it start at epoch 1 (e.g. DeiT: 20
    warm-up epochs, then cosine). Validate once, at the end."""
    schedulers = cfg.param_scheduler
    if isinstance(schedulers, dict):
        schedulers = [schedulers]
    epochs = 2 if any(s.get('begin', 0) > 0 for s in schedulers) else 1
    for scheduler in schedulers:
        for key in ('begin', 'end'):
            if scheduler.get(key, 0) > 1:
                scheduler[key] = 1
    cfg.train_cfg.update(max_epochs=epochs, val_interval=epochs)


@pytest.mark.slow
@pytest.mark.parametrize('rel_path', RECIPE_EXAMPLES)
def test_config_trains_and_validates_with_the_runner(rel_path, tmp_path):
    cfg = Config.fromfile(str(CONFIGS / rel_path))
    size = INPUT_SIZE[cfg.train_dataloader.dataset.type]
    root = _image_folder(tmp_path / 'data', size)
    cfg.model = strip_pretrained(cfg.model)
    cfg.train_dataloader = _tiny_loader(cfg.train_dataloader, root)
    cfg.val_dataloader = _tiny_loader(cfg.val_dataloader, root)
    cfg.test_dataloader = cfg.val_dataloader
    _shorten_schedule(cfg)
    cfg.default_hooks.checkpoint = None
    cfg.default_hooks.logger.interval = 1
    cfg.work_dir = str(tmp_path / 'work_dir')
    cfg.randomness = dict(seed=0)
    cfg.log_level = 'WARNING'

    runner = Runner.from_cfg(cfg)
    runner.train()

    scalars = runner.message_hub.log_scalars
    for name in ('train/distill.loss_lfcc_mid', 'train/distill.loss_lfcc_last',
                 'train/loss'):
        value = scalars[name].current()
        assert math.isfinite(value), f'{name} = {value}'
    # The distillation val loop reports the student and the teacher.
    assert 'val/accuracy/top1' in scalars
    assert 'val/teacher.accuracy/top1' in scalars


@pytest.mark.slow
def test_one_sample_last_batch_does_not_kill_the_run(tmp_path):
    """9 images, batch 4: the config's loader drops the 1-image last batch,
    so the epoch ends (2 iterations) and writes its checkpoint; the same
    loader without ``drop_last`` dies there, naming the fix."""
    rel_path = 'lfcc/lfcc_deit-s-p4_res18_8xb16_cifar100.py'
    root = _image_folder(tmp_path / 'data', 32, per_class=(5, 4))

    def run(drop_last, work_dir):
        cfg = Config.fromfile(str(CONFIGS / rel_path))
        assert cfg.train_dataloader.drop_last is True
        cfg.model = strip_pretrained(cfg.model)
        cfg.train_dataloader = _tiny_loader(cfg.train_dataloader, root, 4)
        cfg.train_dataloader.drop_last = drop_last
        cfg.val_dataloader = _tiny_loader(cfg.val_dataloader, root, 4)
        cfg.test_dataloader = cfg.val_dataloader
        cfg.val_cfg = cfg.val_evaluator = cfg.test_cfg = None
        cfg.val_dataloader = cfg.test_dataloader = cfg.test_evaluator = None
        cfg.train_cfg = dict(by_epoch=True, max_epochs=1)
        cfg.param_scheduler = []
        cfg.default_hooks.logger.interval = 1
        cfg.work_dir = str(tmp_path / work_dir)
        cfg.randomness = dict(seed=0)
        cfg.log_level = 'WARNING'
        runner = Runner.from_cfg(cfg)
        runner.train()
        return runner

    runner = run(True, 'drop')
    assert runner.iter == 2 and runner.epoch == 1
    assert (tmp_path / 'drop' / 'epoch_1.pth').is_file()
    with pytest.raises(ValueError, match='train_dataloader.drop_last=True'):
        run(False, 'keep')


@pytest.mark.slow
def test_scratch_config_trains_and_validates_with_the_runner(tmp_path):
    """A from-scratch row (MobileNetV2 on its own ImageNet recipe): the
    student alone in ``BaseAlgorithm``, mmengine's plain validation loop,
    and a best checkpoint by the student's top-1."""
    cfg = Config.fromfile(
        str(CONFIGS / 'baselines/scratch/scratch_mbv2_8xb32_in1k.py'))
    root = _image_folder(tmp_path / 'data', 224)
    cfg.model = strip_pretrained(cfg.model)
    cfg.train_dataloader = _tiny_loader(cfg.train_dataloader, root)
    cfg.val_dataloader = _tiny_loader(cfg.val_dataloader, root)
    cfg.test_dataloader = cfg.val_dataloader
    _shorten_schedule(cfg)
    cfg.default_hooks.logger.interval = 1
    cfg.work_dir = str(tmp_path / 'work_dir')
    cfg.randomness = dict(seed=0)
    cfg.log_level = 'WARNING'

    runner = Runner.from_cfg(cfg)
    runner.train()

    scalars = runner.message_hub.log_scalars
    assert math.isfinite(scalars['train/loss'].current())
    assert not any(k.startswith('train/distill') for k in scalars)
    assert 'val/accuracy/top1' in scalars
    assert 'val/teacher.accuracy/top1' not in scalars
    assert sorted(p.name for p in (tmp_path / 'work_dir').glob('best_*')) == [
        'best_accuracy_top1_epoch_1.pth']
