"""Checks that point at the config key behind a mistake.

Both run before or around the Runner, so a mistake is reported with the
config key that causes it (``train_dataloader.dataset.data_root``,
``model.distiller.connectors.s3.type``) rather than from deep inside
mmengine.
"""
from __future__ import annotations

import difflib
import importlib
import os.path as osp
import re
from types import TracebackType
from typing import Any, Iterator, List, Optional, Sequence, Tuple

from .user_errors import UserError

_REGISTRY_MISS = re.compile(
    r'^(?P<name>\S+) is not in the (?P<scope>\w+)::(?P<registry>[\w ]+) '
    r'registry')


def _dataset_paths(dataset: Any, where: str) -> Iterator[Tuple[str, str]]:
    """Yield ``(config key, local path)`` for every path a dataset reads.

    ``ann_file`` and ``data_prefix`` are joined to ``data_root`` the way
    mmengine's ``BaseDataset`` does; wrappers (``dataset`` / ``datasets``)
    are followed. Remote paths (``s3://`` ...) are skipped.
    """
    if not isinstance(dataset, dict):
        return
    root = dataset.get('data_root') or ''
    if root:
        yield f'{where}.data_root', root
    if dataset.get('ann_file'):
        yield f'{where}.ann_file', osp.join(root, dataset['ann_file'])
    prefix = dataset.get('data_prefix')
    prefixes = prefix.items() if isinstance(prefix, dict) else [('', prefix)]
    for key, value in prefixes:
        if isinstance(value, str) and value:
            yield (f'{where}.data_prefix' + (f'.{key}' if key else ''),
                   osp.join(root, value))
    yield from _dataset_paths(dataset.get('dataset'), f'{where}.dataset')
    for i, child in enumerate(dataset.get('datasets') or []):
        yield from _dataset_paths(child, f'{where}.datasets[{i}]')


def check_data_paths(cfg: Any, dataloader_keys: Sequence[str]) -> None:
    """Fail early if a dataset folder or annotation file does not exist.

    Args:
        cfg (mmengine.Config): The full config.
        dataloader_keys (Sequence[str]): The dataloaders the run will use,
            e.g. ``('train_dataloader', 'val_dataloader')``.

    Raises:
        UserError: Naming the config key and the missing path.
    """
    for key in dataloader_keys:
        loader = cfg.get(key)
        if not isinstance(loader, dict):
            continue
        for where, path in _dataset_paths(loader.get('dataset'),
                                          f'{key}.dataset'):
            if '://' not in path and not osp.exists(path):
                cwd = osp.abspath('.')
                raise UserError(
                    f'{where}: {path!r} does not exist (cwd: {cwd}); fix the '
                    f'path in the config or with --cfg-options {where}=...')


def find_type_keys(cfg: Any, type_name: str, where: str = '') -> List[str]:
    """Config keys whose ``type`` is ``type_name``.

    Args:
        cfg (Any): A config, or any dict/list inside one.
        type_name (str): The component name searched; a scoped value
            such as ``mmpretrain.ResNet`` matches ``ResNet`` too.
        where (str): Key prefix of ``cfg``. Defaults to ''.

    Returns:
        list[str]: Dotted keys such as ``model.distiller.connectors.s3.type``.
    """
    found: List[str] = []
    if isinstance(cfg, dict):
        for key, value in cfg.items():
            path = f'{where}.{key}' if where else str(key)
            if key == 'type' and isinstance(value, str) and (
                    value == type_name or value.split('.')[-1] == type_name):
                found.append(path)
            else:
                found += find_type_keys(value, type_name, path)
    elif isinstance(cfg, (list, tuple)):
        for i, value in enumerate(cfg):
            found += find_type_keys(value, type_name, f'{where}[{i}]')
    return found


def _registered_names(scope: str, registry_name: str) -> List[str]:
    """Names visible from the ``scope::registry_name`` registry, if found."""
    try:
        module = importlib.import_module(f'{scope}.registry')
    except ImportError:
        return []
    for registry in vars(module).values():
        if getattr(registry, 'name', None) == registry_name and hasattr(
                registry, 'module_dict'):
            names: List[str] = []
            while registry is not None:
                names += list(registry.module_dict)
                registry = registry.parent
            return names
    return []


def describe_registry_miss(err: KeyError, cfg: Any) -> Optional[str]:
    """Rewrite mmengine's "X is not in the ... registry" error on one line.

    Args:
        err (KeyError): The error raised by ``Registry.build``.
        cfg (mmengine.Config): The config the Runner was built from.

    Returns:
        str | None: ``"<key>: 'X' is not in the <scope>::<registry>
        registry (did you mean ...?)"``, or None for another KeyError.
    """
    text = err.args[0] if err.args and isinstance(err.args[0], str) else ''
    match = _REGISTRY_MISS.match(text)
    if match is None:
        return None
    name, scope, registry = match.group('name', 'scope', 'registry')
    keys = find_type_keys(cfg._cfg_dict if hasattr(cfg, '_cfg_dict') else cfg,
                          name)
    where = ', '.join(keys) if keys else 'a default type inside the model'
    bare = name.split('.')[-1]
    close = difflib.get_close_matches(
        bare, _registered_names(scope, registry), n=3, cutoff=0.6)
    hint = (f' (did you mean {", ".join(map(repr, close))}?)' if close else
            ' (check the spelling, the scope prefix such as "mmpretrain.", '
            'and custom_imports)')
    return (f'{where}: {name!r} is not in the {scope}::{registry} registry'
            f'{hint}')


def find_dict_keys(cfg: Any, sub: dict, where: str = '') -> List[str]:
    """Config keys whose value equals the dict ``sub``.

    Args:
        cfg (Any): A config, or any dict/list inside one.
        sub (dict): The dict searched.
        where (str): Key prefix of ``cfg``. Defaults to ''.

    Returns:
        list[str]: Dotted keys such as ``model.distiller.connectors.s2``.
    """
    found: List[str] = []
    if isinstance(cfg, dict):
        if where and cfg == sub:
            return [where]
        for key, value in cfg.items():
            found += find_dict_keys(value, sub,
                                    f'{where}.{key}' if where else str(key))
    elif isinstance(cfg, (list, tuple)):
        for i, value in enumerate(cfg):
            found += find_dict_keys(value, sub, f'{where}[{i}]')
    return found


def key_being_built(tb: Optional[TracebackType], cfg: Any) -> Optional[str]:
    """The config key of the innermost component mmengine was building.

    Reads the ``cfg`` argument of the innermost ``build_from_cfg`` frame
    in the traceback and finds it in the full config.

    Args:
        tb (TracebackType | None): The error's traceback.
        cfg (mmengine.Config): The config the Runner was built from.

    Returns:
        str | None: e.g. ``model.distiller.connectors.s2``; ``type X`` if
        the component's dict is not in the config as written; None if the
        error was not raised while building a component.
    """
    built = None
    while tb is not None:
        frame = tb.tb_frame
        if (frame.f_code.co_name == 'build_from_cfg'
                and isinstance(frame.f_locals.get('cfg'), dict)):
            built = frame.f_locals['cfg']
        tb = tb.tb_next
    if built is None:
        return None
    root = cfg._cfg_dict if hasattr(cfg, '_cfg_dict') else cfg
    keys = find_dict_keys(root, built)
    return keys[-1] if keys else f'type {built.get("type")!r}'
