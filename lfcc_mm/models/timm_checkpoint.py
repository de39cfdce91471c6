"""Checkpoints of older timm releases, loaded strictly into today's timm.

OFA-KD (Hao et al., NeurIPS 2023) released its CIFAR-100 teachers as files
written by timm 0.6.5's ``CheckpointSaver``: a dict with ``epoch``, ``arch``,
``state_dict``, ``optimizer``, ``version``, ``args`` (an
``argparse.Namespace``) and ``metric``, read back by timm's
``load_checkpoint`` (``state_dict``, else ``model``, else the dict itself,
``module.`` prefixes removed). Some architectures changed their key layout
since then (e.g. Swin moved each stage's patch merging to the start of the
next stage and made its index/mask buffers non-persistent). timm ships one
``checkpoint_filter_fn`` per model module for exactly these changes; this
file applies it and then demands an exact match with the model:

- no missing and no unexpected key, no shape mismatch (strict);
- a tensor timm would *resample* to fit (position embeddings, patch
  embeddings, relative position tables of another size) is an error, not a
  silent interpolation: build the model with the checkpoint's image and
  window size instead.

timm is imported only when a conversion runs (it is an optional dependency,
``pip install -e .[timm]``).
"""
from __future__ import annotations

import argparse
import os.path as osp
import sys
from typing import Dict, Mapping, Optional

import torch
from torch import Tensor, nn

from lfcc_mm.errors import UserError

# Keys that timm's filters interpolate when the shapes differ. A strict load
# must not accept an interpolated tensor in place of the trained one.
RESAMPLED_KEYS = ('pos_embed', 'patch_embed.proj.weight',
                  'relative_position_bias_table')


class TimmCheckpointError(UserError):
    """A timm checkpoint does not match the model it is loaded into."""


def unwrap_timm_model(model: nn.Module) -> nn.Module:
    """The timm model inside an mmpretrain ``TimmClassifier``, else ``model``.

    ``TimmClassifier`` keeps the timm model as ``.model`` and saves and loads
    its state dict without that prefix, i.e. in timm's own layout.

    Args:
        model (nn.Module): A timm model or a ``TimmClassifier``.

    Returns:
        nn.Module: The timm model.
    """
    if type(model).__name__ == 'TimmClassifier' and isinstance(
            getattr(model, 'model', None), nn.Module):
        return model.model
    return model


def read_timm_checkpoint(filename: str,
                         use_ema: bool = False) -> Dict[str, Tensor]:
    """Read the weights of a checkpoint saved by timm (any version).

    Picks the entry the way timm's ``load_checkpoint`` does: ``state_dict_ema``
    (or ``model_ema``) when ``use_ema``, else ``state_dict``, else ``model``,
    else the dict itself; removes DDP's ``module.`` prefix. Loads with
    ``weights_only=True``; the only non-tensor type allowed besides torch's
    defaults is ``argparse.Namespace`` (timm stores the training arguments as
    one), a plain attribute container.

    Args:
        filename (str): Path of the ``.pth`` / ``.pth.tar`` file.
        use_ema (bool): Prefer the EMA weights (OFA-KD's
            ``--use-ema-teacher``). Defaults to False, as OFA-KD.

    Returns:
        dict[str, Tensor]: The state dict, in the saving timm's layout.

    Raises:
        TimmCheckpointError: The file is missing, cannot be read safely or
            holds no state dict.
    """
    if not osp.isfile(filename):
        raise TimmCheckpointError(f'timm checkpoint {filename!r} does not '
                                  'exist')
    try:
        with torch.serialization.safe_globals([argparse.Namespace]):
            ckpt = torch.load(filename, map_location='cpu', weights_only=True)
    except Exception as err:  # noqa: BLE001 - reported as one line
        raise TimmCheckpointError(
            f'cannot read {filename!r} with weights_only=True '
            f'({type(err).__name__}: {" ".join(str(err).split())[:300]}); '
            'if you trust the file, re-save only its weights with '
            'torch.save(torch.load(SRC, weights_only=False)["state_dict"], '
            'DST) and convert DST') from None
    key: Optional[str] = None
    if isinstance(ckpt, dict):
        order = (('state_dict_ema', 'model_ema') if use_ema else
                 ()) + ('state_dict', 'model')
        key = next((k for k in order if isinstance(ckpt.get(k), dict)), None)
    state = ckpt[key] if key else ckpt
    if not isinstance(state, Mapping) or not state or not all(
            isinstance(v, Tensor) for v in state.values()):
        keys = list(ckpt)[:8] if isinstance(ckpt, dict) else type(ckpt)
        raise TimmCheckpointError(
            f'{filename!r} holds no state dict of tensors (top-level keys: '
            f'{keys}); expected a timm checkpoint with a "state_dict" or '
            '"model" entry, or a plain state dict')
    return {(k[len('module.'):] if k.startswith('module.') else k): v
            for k, v in state.items()}


def _few(keys: list) -> str:
    return ', '.join(keys[:6]) + (f' ... ({len(keys)} in all)'
                                  if len(keys) > 6 else '')


def _check_not_resampled(state: Mapping[str, Tensor],
                         own: Mapping[str, Tensor], source: str) -> None:
    """Refuse tensors that timm's filter would interpolate to fit."""
    bad = [f'{k} {tuple(state[k].shape)} vs {tuple(own[k].shape)}'
           for k in sorted(set(state) & set(own))
           if k.endswith(RESAMPLED_KEYS) and state[k].shape != own[k].shape]
    if bad:
        raise TimmCheckpointError(
            f'{source}: {_few(bad)} (checkpoint vs model) would be resampled '
            'by timm; build the model with the image size, patch size and '
            'window size the checkpoint was trained with')


def upgrade_timm_state_dict(state: Mapping[str, Tensor], model: nn.Module,
                            source: str = 'checkpoint') -> Dict[str, Tensor]:
    """Map an older timm state dict to the installed timm's layout, strictly.

    Applies the ``checkpoint_filter_fn`` of the model's timm module (where
    there is one) and checks the result against ``model.state_dict()``.

    Args:
        state (Mapping[str, Tensor]): Weights in the older layout.
        model (nn.Module): The target timm model or ``TimmClassifier``.
        source (str): Name used in error messages (e.g. the file).

    Returns:
        dict[str, Tensor]: Weights that ``model.load_state_dict(...,
        strict=True)`` accepts.

    Raises:
        TimmCheckpointError: Listing missing / unexpected keys and shape
            mismatches after the mapping.
    """
    timm_model = unwrap_timm_model(model)
    own = timm_model.state_dict()
    _check_not_resampled(state, own, source)
    module = sys.modules.get(type(timm_model).__module__)
    filter_fn = getattr(module, 'checkpoint_filter_fn', None)
    out = dict(state)
    if filter_fn is not None:
        out = dict(filter_fn(out, timm_model))
    missing = sorted(set(own) - set(out))
    unexpected = sorted(set(out) - set(own))
    shapes = sorted(f'{k} {tuple(out[k].shape)} vs {tuple(own[k].shape)}'
                    for k in set(own) & set(out)
                    if out[k].shape != own[k].shape)
    if missing or unexpected or shapes:
        raise TimmCheckpointError(
            f'{source} does not match {type(timm_model).__name__} after '
            f'mapping to timm\'s current layout: {len(missing)} missing '
            f'[{_few(missing)}], {len(unexpected)} unexpected '
            f'[{_few(unexpected)}], {len(shapes)} shape mismatches '
            f'[{_few(shapes)}]; check the model name, num_classes and the '
            'architecture arguments')
    return out


def load_timm_checkpoint(model: nn.Module,
                         filename: str,
                         use_ema: bool = False) -> Dict[str, Tensor]:
    """Read, upgrade and strictly load an older timm checkpoint into ``model``.

    Args:
        model (nn.Module): A timm model or ``TimmClassifier``.
        filename (str): The checkpoint (e.g. an OFA-KD teacher).
        use_ema (bool): Prefer EMA weights. Defaults to False.

    Returns:
        dict[str, Tensor]: The upgraded state dict (timm's current layout).
    """
    state = upgrade_timm_state_dict(
        read_timm_checkpoint(filename, use_ema=use_ema), model,
        source=repr(filename))
    unwrap_timm_model(model).load_state_dict(state, strict=True)
    return state
