"""Checks that point at the config key behind a mistake.

Both run before or around the Runner, so a mistake is reported with the
config key that causes it (``train_dataloader.dataset.data_root``,
``model.distiller.connectors.s3.type``) rather than from deep inside
mmengine.
"""
from __future__ import annotations

import difflib
import importlib
import os
import os.path as osp
import re
from types import TracebackType
from typing import Any, Iterator, List, Optional, Sequence, Tuple

from lfcc_mm.errors import UserError

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


# A --cfg-options key that does not exist is a typo, not a new key, when
# an existing sibling is at least this similar (difflib ratio).
TYPO_CUTOFF = 0.8
# Prefix of a --cfg-options key that is meant to be new (skips the check).
NEW_KEY_PREFIX = '+'
# mmengine's merge key that replaces a value instead of merging into it.
DELETE_KEY = '_delete_'


def _describe(value: Any) -> str:
    """``an int (4)``, ``None``: what a config value is, for a message."""
    if value is None:
        return 'None'
    text = repr(value)
    text = text if len(text) <= 40 else text[:37] + '...'
    name = type(value).__name__
    article = 'an' if name[0] in 'aeiou' else 'a'
    return f'{article} {name} ({text})'


def _check_value_type(key: str, old: Any, new: Any) -> None:
    """Refuse text where the config holds a number or a boolean.

    ``DictAction`` turns ``10``/``0.1``/``True`` into numbers and booleans
    and anything else into a string, so ``train_cfg.max_epochs=abc`` would
    only fail deep inside the training loop.

    Raises:
        UserError: ``old`` is a bool, int or float and ``new`` is a string.
    """
    if not isinstance(new, str) or not isinstance(old, (bool, int, float)):
        return
    kind = 'True or False' if isinstance(old, bool) else (
        'an integer' if isinstance(old, int) else 'a number')
    raise UserError(
        f'--cfg-options: {key}={new!r}: the config holds {_describe(old)} '
        f'there, so the value must be {kind}, not text; write e.g. '
        f'{key}={old!r}')


def check_cfg_option_keys(cfg: Any, options: dict) -> dict:
    """Check the keys of ``--cfg-options`` against the config.

    mmengine's ``merge_from_dict`` adds any key that does not exist, so a
    misspelt ``train_cfg.max_iter=10`` is silently ignored, and it raises a
    ``TypeError`` trace for a key below a non-dict value. The rule here:

    - a key that exists is set;
    - a key below a ``None`` value (``optim_wrapper.clip_grad.max_norm=5``
      with ``clip_grad=None``) turns that value into a new dict (mmengine
      raises a ``TypeError``; the option cannot give a dict value itself);
    - a key below any other value that is not a dict
      (``train_cfg.max_iters.x``) or a list index that is not a valid index
      is an error;
    - a missing key whose parent exists is new, and allowed (mmengine's
      behaviour: configs legitimately gain keys such as
      ``train_dataloader.persistent_workers``), unless an existing sibling
      is close to it (difflib ratio >= :data:`TYPO_CUTOFF`): then it is most
      likely a typo and an error with "did you mean";
    - a key written ``+key=value`` is meant to be new: the closeness test
      is skipped and the ``+`` dropped.

    Args:
        cfg (mmengine.Config | dict): The config the options are merged into.
        options (dict): ``{'a.b.c': value}`` as parsed by ``DictAction``.

    Returns:
        dict: ``options`` with the ``+`` prefixes removed and a
        ``<key>._delete_=True`` for every ``None`` to replace by a dict, for
        ``Config.merge_from_dict``.

    Raises:
        UserError: Naming the key, what is there and the likely fix.
    """
    root = cfg._cfg_dict if hasattr(cfg, '_cfg_dict') else cfg
    checked = {}
    for full_key, value in options.items():
        new = full_key.startswith(NEW_KEY_PREFIX)
        key = full_key[len(NEW_KEY_PREFIX):] if new else full_key
        parts = key.split('.')
        if not key or not all(parts):
            raise UserError(f'--cfg-options: {full_key!r} is not a dotted '
                            f'key such as train_cfg.max_iters')
        node: Any = root
        for i, part in enumerate(parts):
            where = '.'.join(parts[:i])
            if isinstance(node, dict):
                if part in node:
                    node = node[part]
                    continue
                if not new and part != DELETE_KEY:
                    close = difflib.get_close_matches(
                        part, [str(k) for k in node], n=3,
                        cutoff=TYPO_CUTOFF)
                    if close:
                        name = '.'.join(parts[:i + 1])
                        spelled = ', '.join(repr(
                            f'{where}.{c}' if where else c) for c in close)
                        raise UserError(
                            f'--cfg-options: {name!r} is not in the config '
                            f'(did you mean {spelled}?); write '
                            f'{NEW_KEY_PREFIX}{key}=... to add it anyway')
                break  # a new key: everything below it is new too
            if isinstance(node, (list, tuple)):
                if not (part.isdigit() and int(part) < len(node)):
                    raise UserError(
                        f'--cfg-options: {key!r}: {where!r} is a list of '
                        f'{len(node)} items, so {part!r} must be an index '
                        f'from 0 to {len(node) - 1}')
                node = node[int(part)]
                continue
            if node is None and where:  # mmengine: _delete_ replaces it
                checked[f'{where}.{DELETE_KEY}'] = True
                break
            raise UserError(
                f'--cfg-options: {key!r}: {where!r} is {_describe(node)}, not '
                f'a dict, so it has no key {part!r}; set {where!r} itself')
        else:  # the key exists: the new value must be of a usable type
            _check_value_type(key, node, value)
        checked[key] = value
    return checked


def check_work_dir(work_dir: str) -> None:
    """Fail early if ``work_dir`` cannot be a folder.

    Args:
        work_dir (str): The run's ``work_dir`` (need not exist yet).

    Raises:
        UserError: ``work_dir``, or a folder above it, is an existing file.
    """
    if '://' in work_dir:  # remote storage: nothing to check here
        return
    target = path = osp.abspath(work_dir)
    while True:
        if osp.exists(path) and not osp.isdir(path):
            if path == target:
                raise UserError(f'work_dir {work_dir!r} is an existing file, '
                                f'not a folder; choose another --work-dir')
            raise UserError(f'work_dir {work_dir!r} cannot be created: '
                            f'{path!r} is an existing file; choose another '
                            f'--work-dir')
        parent = osp.dirname(path)
        if parent == path:
            break
        path = parent
    check_writable(work_dir, 'work_dir')


def check_writable(path: str, what: str, folder: bool = True) -> None:
    """Fail early if ``path`` cannot be written (before any work is done).

    The nearest existing folder at or above ``path`` (``path`` itself for a
    folder, its parent for a file) must be a writable folder, so that the
    folders below it can be created and the file written; an existing file
    ``path`` must be writable too.

    Args:
        path (str): A folder (``folder=True``) or a file to write.
        what (str): How to name it, e.g. ``'work_dir'`` or ``'--out'``.
        folder (bool): Whether ``path`` is a folder. Defaults to True.

    Raises:
        UserError: Naming ``path``, the folder that is not writable and
            what to do.
    """
    if '://' in path:  # remote storage: nothing to check here
        return
    target = osp.abspath(path)
    if not folder and osp.isfile(target) and not os.access(target, os.W_OK):
        raise UserError(f'{what} {path!r} exists and is read-only; make it '
                        f'writable or choose another path')
    probe = target if folder else osp.dirname(target)
    while not osp.exists(probe):
        parent = osp.dirname(probe)
        if parent == probe:
            break
        probe = parent
    if not osp.isdir(probe):
        raise UserError(f'{what} {path!r} cannot be created: {probe!r} is an '
                        f'existing file; choose another path')
    if not os.access(probe, os.W_OK | os.X_OK):
        raise UserError(
            f'{what} {path!r} cannot be written: {probe!r} is read-only '
            f'(for this user); choose a writable path, or make {probe!r} '
            f'writable')
