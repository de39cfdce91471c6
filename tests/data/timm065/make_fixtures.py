"""Write the timm 0.6.5 fixture checkpoints of ``tests/test_models/test_timm_checkpoint.py``.

OFA-KD released its CIFAR-100 teachers (``swin_tiny_patch4_window7_224``,
``vit_small_patch16_224``, ``mixer_b16_224``, ``convnext_tiny``) as saved by
timm 0.6.5's ``CheckpointSaver`` (OFA-KD's ``train.py`` saves its runs with it
and loads teachers with ``timm.models.load_checkpoint``). This script builds
the same model classes with tiny widths and depths (the key layout is the
class's, not the width's), saves each with timm 0.6.5's own
``CheckpointSaver`` (``epoch``, ``arch``, ``state_dict``, ``optimizer``,
``version``, ``args`` as an ``argparse.Namespace``, ``metric``) and records
the logits timm 0.6.5 computes on :func:`fixed_input` in
``expected_logits.json``.

Run it only with timm 0.6.5 on the path, e.g.::

    pip install --target /tmp/timm065 --no-deps timm==0.6.5
    PYTHONPATH=/tmp/timm065 python tests/data/timm065/make_fixtures.py

The tests themselves never need timm 0.6.5.
"""
import argparse
import json
import os
import os.path as osp
import sys

import torch

HERE = osp.dirname(osp.abspath(__file__))
NUM_CLASSES = 100

# name -> (timm 0.6.5 class path, the variant's own arguments with tiny
# widths/depths). Each entry keeps the variant's non-width arguments
# (patch/window size, image size) so that the key layout and buffer shapes are
# those of the released teacher.
TINY = {
    'swin_tiny_patch4_window7_224': dict(
        patch_size=4, window_size=7, embed_dim=4, depths=(1, 1, 2, 1),
        num_heads=(1, 1, 1, 1)),
    'vit_small_patch16_224': dict(
        patch_size=16, embed_dim=8, depth=2, num_heads=2),
    'mixer_b16_224': dict(patch_size=16, num_blocks=2, embed_dim=8),
    'convnext_tiny': dict(depths=(1, 1, 1, 1), dims=(4, 8, 16, 32)),
}


def fixed_input() -> torch.Tensor:
    """A deterministic (2, 3, 224, 224) input that needs no stored file."""
    n = 2 * 3 * 224 * 224
    x = torch.sin(torch.arange(n, dtype=torch.float64) * 0.0173)
    x = x + 0.5 * torch.cos(torch.arange(n, dtype=torch.float64) * 0.00091)
    return x.reshape(2, 3, 224, 224).float()


def _build(name: str, kwargs: dict) -> torch.nn.Module:
    from timm.models.convnext import ConvNeXt
    from timm.models.mlp_mixer import MlpMixer
    from timm.models.swin_transformer import SwinTransformer
    from timm.models.vision_transformer import VisionTransformer
    cls = {
        'swin_tiny_patch4_window7_224': SwinTransformer,
        'vit_small_patch16_224': VisionTransformer,
        'mixer_b16_224': MlpMixer,
        'convnext_tiny': ConvNeXt,
    }[name]
    return cls(num_classes=NUM_CLASSES, **kwargs)


def main() -> None:
    import timm
    from timm.utils import CheckpointSaver
    if timm.__version__ != '0.6.5':
        sys.exit(f'needs timm 0.6.5 on the path, found {timm.__version__}')
    expected = {}
    for name, kwargs in TINY.items():
        torch.manual_seed(0)
        model = _build(name, kwargs).eval()
        # LayerScale / zero-init heads would make the logits trivial.
        with torch.no_grad():
            for p in model.parameters():
                p.add_(torch.randn_like(p) * 0.02)
            logits = model(fixed_input())
        args = argparse.Namespace(
            model=name, num_classes=NUM_CLASSES, model_kwargs=kwargs)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        saver = CheckpointSaver(model, optimizer, args=args,
                                checkpoint_dir=HERE, recovery_dir=HERE)
        path = osp.join(HERE, f'{name}_tiny.pth.tar')
        saver._save(path, epoch=299, metric=12.34)
        expected[name] = dict(
            checkpoint=osp.basename(path),
            model_kwargs={k: list(v) if isinstance(v, tuple) else v
                          for k, v in kwargs.items()},
            num_classes=NUM_CLASSES,
            timm_version=timm.__version__,
            torch_version=torch.__version__,
            logits=logits.tolist())
        print(f'{path}: {os.path.getsize(path)} bytes')
    with open(osp.join(HERE, 'expected_logits.json'), 'w') as f:
        json.dump(expected, f, indent=1)


if __name__ == '__main__':
    main()
