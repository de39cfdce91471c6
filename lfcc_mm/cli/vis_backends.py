"""``tools/train.py --vis-backend``: log scalars to TensorBoard or W&B too.

The config's backends stay (mmengine's default, ``LocalVisBackend``, writes
``vis_data/scalars.json``, which the benchmark plots read);
``--vis-backend tensorboard`` adds ``TensorboardVisBackend`` (event files
in ``<work_dir>/<timestamp>/vis_data/``), ``--vis-backend wandb`` adds
``WandbVisBackend`` (a W&B run; ``wandb login`` first, or
``WANDB_MODE=offline``). Every loss term
(``student.loss``, ``distill.loss_lfcc_*``, ``distill.loss_kd``...), the
learning rate and ``accuracy/top1`` are logged, as in the JSON file. The
same in a config (``--cfg-options`` cannot append to a list of dicts)::

    visualizer = dict(type='UniversalVisualizer', vis_backends=[
        dict(type='LocalVisBackend'), dict(type='TensorboardVisBackend')])

The packages are the extras ``pip install -e .[tensorboard]`` /
``.[wandb]``; a missing one is refused before training starts.
"""
from __future__ import annotations

import argparse
import importlib.util
from typing import Dict, Tuple

from mmengine.config import Config, ConfigDict

from lfcc_mm.errors import UserError

#: ``--vis-backend`` choice -> (mmengine backend type, module it needs,
#: extra that installs it).
BACKENDS: Dict[str, Tuple[str, str, str]] = dict(
    tensorboard=('TensorboardVisBackend', 'tensorboard', 'tensorboard'),
    wandb=('WandbVisBackend', 'wandb', 'wandb'))


def add_vis_backend_args(parser: argparse.ArgumentParser) -> None:
    """Add ``--vis-backend``.

    Args:
        parser (argparse.ArgumentParser): ``tools/train.py``'s parser.
    """
    parser.add_argument(
        '--vis-backend',
        nargs='+',
        choices=sorted(BACKENDS),
        help='also log the scalars (every loss term, lr, accuracy) to '
        'TensorBoard and/or Weights & Biases, besides vis_data/scalars.json '
        '(pip install -e .[tensorboard] / .[wandb])')


def _type_name(backend: object) -> str:
    kind = backend.get('type', '') if isinstance(backend, dict) else ''
    return str(kind).split('.')[-1]


def apply_vis_backends(cfg: Config, args: argparse.Namespace) -> None:
    """Add the backends of ``--vis-backend`` to ``cfg.visualizer``.

    The config's own backends stay (a ``LocalVisBackend`` is added when the
    config sets no visualizer, as mmengine's default has one); a backend
    the config already has is not added twice.

    Args:
        cfg (mmengine.Config): Changed in place.
        args (argparse.Namespace): With ``vis_backend`` (a list or None).

    Raises:
        UserError: The package a backend needs is not installed.
    """
    chosen = getattr(args, 'vis_backend', None) or []
    if not chosen:
        return
    for name in chosen:
        _, module, extra = BACKENDS[name]
        if importlib.util.find_spec(module) is None:
            raise UserError(
                f'--vis-backend {name}: the {module!r} package is not '
                f'installed; pip install -e ".[{extra}]" (or pip install '
                f'{module}), or leave out --vis-backend {name}')
    visualizer = cfg.get('visualizer')
    if not isinstance(visualizer, dict):
        visualizer = ConfigDict(
            type='Visualizer', vis_backends=[dict(type='LocalVisBackend')])
    backends = list(visualizer.get('vis_backends') or [])
    have = {_type_name(b) for b in backends}
    for name in chosen:
        kind = BACKENDS[name][0]
        if kind not in have:
            backends.append(dict(type=kind))
            have.add(kind)
    visualizer.vis_backends = backends
    cfg.visualizer = visualizer  # Config stores a copy of a new dict
