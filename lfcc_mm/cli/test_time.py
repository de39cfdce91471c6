"""``tools/test.py --show-dir`` and ``--tta``, as in mmpretrain's tool.

``--show-dir DIR`` switches on mmpretrain's ``VisualizationHook``: one
image per test sample (every ``--interval``-th), with its ground truth and
predicted class, in ``DIR``. ``--tta`` wraps the model in
``cfg.tta_model`` (default: mmpretrain's ``AverageClsScoreTTA``, the mean of
the class scores) and feeds it ``cfg.tta_pipeline`` (default: the test
pipeline with its last transform run on the image and on its horizontal
flip). A distillation model answers a test with its student's prediction
(MMRazor's algorithms run the teacher only for the loss), so both flags act
on the student of a distillation config; the checkpoint is loaded, strictly,
into the model inside the TTA wrapper.
"""
from __future__ import annotations

import argparse
import os.path as osp
from copy import deepcopy
from typing import Any

import torch.nn as nn
from mmengine.config import Config, ConfigDict
from mmengine.model import BaseTTAModel, is_model_wrapper

from lfcc_mm.errors import UserError

#: The visualizer the ``VisualizationHook`` draws with (``visualize_cls``).
CLS_VISUALIZER = 'UniversalVisualizer'


def add_show_tta_args(parser: argparse.ArgumentParser) -> None:
    """Add ``--show-dir``, ``--interval`` and ``--tta``.

    Args:
        parser (argparse.ArgumentParser): ``tools/test.py``'s parser.
    """
    parser.add_argument(
        '--show-dir',
        help='write one image per test sample, with its ground truth and '
        'predicted class, into this folder (mmpretrain\'s '
        'VisualizationHook; the student\'s prediction for a distillation '
        'config)')
    parser.add_argument(
        '--interval',
        type=int,
        default=1,
        help='with --show-dir, draw every INTERVAL-th sample (default: 1)')
    parser.add_argument(
        '--tta',
        action='store_true',
        help='test-time augmentation: the config\'s tta_model and '
        'tta_pipeline, by default the mean class score of each image and '
        'its horizontal flip (of the student, for a distillation config)')


def apply_show_dir(cfg: Config, args: argparse.Namespace) -> None:
    """``--show-dir``: enable the ``VisualizationHook`` into that folder.

    The folder is made absolute (it resolves against the folder the tool
    was started in). A config without a ``visualization`` hook gets
    mmpretrain's; one without a visualizer gets ``UniversalVisualizer``.

    Args:
        cfg (mmengine.Config): Changed in place.
        args (argparse.Namespace): With ``show_dir``, ``interval`` (and
            ``tta``).

    Raises:
        UserError: ``--show-dir`` with ``--tta`` (the hook draws one view
            per sample), a non-positive ``--interval``, a ``--show-dir``
            that is a file, or a visualizer that cannot draw classes.
    """
    show_dir = getattr(args, 'show_dir', None)
    if show_dir is None:
        return
    if getattr(args, 'tta', False):
        raise UserError('--show-dir with --tta: the visualization hook draws '
                        'one view per image, not the augmented batches; run '
                        'the two separately')
    interval = getattr(args, 'interval', 1)
    if interval < 1:
        raise UserError(f'--interval {interval}: give a positive number of '
                        'samples between two drawn ones')
    if osp.isfile(show_dir):
        raise UserError(f'--show-dir {show_dir!r} is a file; give a folder '
                        '(it is created)')
    hooks = cfg.get('default_hooks')
    if not isinstance(hooks, dict):
        hooks = ConfigDict()
    visualization = hooks.get('visualization')
    if not isinstance(visualization, dict):
        visualization = ConfigDict(type='mmpretrain.VisualizationHook')
    visualization.update(enable=True, out_dir=osp.abspath(show_dir),
                         interval=interval)
    hooks.visualization = visualization
    cfg.default_hooks = hooks  # Config stores a copy of a new dict
    visualizer = cfg.get('visualizer')
    if not isinstance(visualizer, dict):
        cfg.visualizer = dict(type=f'mmpretrain.{CLS_VISUALIZER}',
                              vis_backends=[dict(type='LocalVisBackend')])
    elif str(visualizer.get('type', '')).split('.')[-1] != CLS_VISUALIZER:
        raise UserError(
            f'--show-dir: the config\'s visualizer is '
            f'{visualizer.get("type")!r}, which cannot draw class '
            f'predictions; add --cfg-options visualizer.type='
            f'mmpretrain.{CLS_VISUALIZER}')


def flip_tta_pipeline(test_pipeline: list) -> list:
    """mmpretrain's default TTA pipeline: the test pipeline whose last
    transform (``PackInputs``) runs on the image and on its horizontal flip.

    Args:
        test_pipeline (list): The test dataset's transforms.

    Returns:
        list: A new pipeline (``test_pipeline`` is not changed).
    """
    pipeline = deepcopy(list(test_pipeline))
    pipeline[-1] = dict(
        type='mmpretrain.TestTimeAug',
        transforms=[[
            dict(type='mmpretrain.RandomFlip', prob=1.),
            dict(type='mmpretrain.RandomFlip', prob=0.)
        ], [deepcopy(test_pipeline[-1])]])
    return pipeline


def apply_tta(cfg: Config, args: argparse.Namespace) -> None:
    """``--tta``: wrap ``cfg.model`` in ``cfg.tta_model`` and test on
    ``cfg.tta_pipeline`` (mmpretrain's defaults where the config has none).

    Args:
        cfg (mmengine.Config): Changed in place.
        args (argparse.Namespace): With ``tta``.

    Raises:
        UserError: The config has no ``tta_pipeline`` and its test dataset
            no ``pipeline`` to derive it from.
    """
    if not getattr(args, 'tta', False):
        return
    dataset = (cfg.get('test_dataloader') or {}).get('dataset')
    if not isinstance(dataset, dict):
        raise UserError('--tta: the config has no test_dataloader.dataset '
                        'to augment')
    if cfg.get('tta_pipeline') is None:
        pipeline = dataset.get('pipeline')
        if not isinstance(pipeline, (list, tuple)) or not pipeline:
            raise UserError(
                '--tta: test_dataloader.dataset has no pipeline to derive '
                'the TTA pipeline from (a wrapped dataset?); set '
                'tta_pipeline in the config, with a TestTimeAug transform '
                'last')
        cfg.tta_pipeline = flip_tta_pipeline(pipeline)
    tta_model = cfg.get('tta_model') or dict(
        type='mmpretrain.AverageClsScoreTTA')
    cfg.model = ConfigDict(**tta_model, module=cfg.model)
    dataset.pipeline = cfg.tta_pipeline


def model_to_load(model: nn.Module) -> nn.Module:
    """The model a test checkpoint fits: the one inside a TTA wrapper.

    Args:
        model (nn.Module): ``runner.model`` (possibly wrapped for DDP).

    Returns:
        nn.Module: ``model`` itself, or the ``module`` of a TTA model.
    """
    inner: Any = model.module if is_model_wrapper(model) else model
    return inner.module if isinstance(inner, BaseTTAModel) else model
