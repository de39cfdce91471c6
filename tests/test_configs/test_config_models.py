"""Every config builds offline and runs one training step.

One training step per config (loss forward and backward) on 2 random images
at the config's own input size (224 for ImageNet-1K, 32 for CIFAR-100),
through the config's data preprocessor (Mixup / CutMix included). This
proves that every recorder path names a real module, that every connector's
declared layout and channels match what that module emits, and that the
baselines' losses accept their inputs (e.g. DKD's hard labels). The backward pass must reach every
student and connector parameter and no teacher parameter.
"""
import math

import pytest
from mmengine.optim import build_optim_wrapper

from .config_helpers import all_configs, build_model, load, random_batch


# Each case takes 2-6 s on one CPU thread (Mixer-B/16 teachers the longest).
@pytest.mark.parametrize('rel_path', all_configs())
def test_config_builds_and_trains_one_step(rel_path):
    cfg = load(rel_path)
    model = build_model(cfg)
    data = model.data_preprocessor(random_batch(cfg), training=True)
    losses = model(**data, mode='loss')

    size = 224 if cfg.train_dataloader.dataset.type == 'ImageNet' else 32
    assert tuple(data['inputs'].shape) == (2, 3, size, size)
    distill_losses = cfg.model.get('distiller', {}).get('distill_losses', {})
    expected = {f'distill.{name}' for name in distill_losses}
    assert expected <= set(losses), (
        f'{rel_path}: missing distill losses {expected - set(losses)}')
    assert set(losses) - expected, f'{rel_path}: no task (cross-entropy) loss'
    for name, value in losses.items():
        assert 'loss' in name, f'{rel_path}: {name!r} is not a loss key'
        assert value.numel() == 1 and math.isfinite(
            value.item()), (f'{rel_path}: {name} = {value}')

    sum(losses.values()).backward()
    student = getattr(model, 'architecture', model)
    no_grad = [n for n, p in student.named_parameters() if p.grad is None]
    assert no_grad == [], f'{rel_path}: student params without grad'
    if hasattr(model, 'teacher'):
        assert all(p.grad is None and not p.requires_grad
                   for p in model.teacher.parameters())
        connectors = model.distiller.connectors
        assert all(p.grad is not None and p.grad.abs().sum() > 0
                   for p in connectors.parameters())
    # The schedule's optimizer (with its paramwise rules) builds on the model.
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    assert optim_wrapper.optimizer.param_groups
