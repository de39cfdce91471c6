"""Session-wide test hygiene.

mmengine keeps process-global state in ``ManagerMixin`` singletons: the
default registry scope (set by every Runner, by ``init_default_scope`` and
while parsing some configs) and the ``MessageHub`` (the training iteration
that LFCC's warm-up reads). A test that leaves ``default_scope='mmpretrain'``
behind would make every later ``mmrazor.registry.MODELS.build`` look in
mmpretrain's registry and fail, so every test starts with neither.

``load_tool`` imports a script of ``tools/`` as a module, so that tests call
its ``main(argv)`` in-process (a process costs seconds: ``import lfcc_mm``
alone); one subprocess smoke test per tool keeps the real process boundary.
"""
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Callable, Dict

import pytest
from mmengine.logging import MessageHub
from mmengine.registry import DefaultScope

import lfcc_mm  # noqa: F401  (compat shims before any mmrazor import)


@pytest.fixture(autouse=True)
def _fresh_mmengine_globals():
    saved = {cls: dict(cls._instance_dict) for cls in (DefaultScope,
                                                       MessageHub)}
    for cls in saved:
        cls._instance_dict.clear()
    yield
    for cls, instances in saved.items():
        cls._instance_dict.clear()
        cls._instance_dict.update(instances)


REPO = Path(__file__).resolve().parents[1]
_TOOLS: Dict[str, ModuleType] = {}


def import_tool(script: str) -> ModuleType:
    """``tools/<...>.py`` (a path relative to the repository) as a module.

    Imported once per session; its ``if __name__ == '__main__'`` part does
    not run. Call ``module.main([...])``: a user error is ``SystemExit(2)``
    with one ``<prog>: error:`` line on stderr.

    Args:
        script (str): e.g. ``'tools/train.py'``.

    Returns:
        ModuleType: The tool's module.
    """
    if script not in _TOOLS:
        path = REPO / script
        name = 'lfcc_tool_' + script[:-len('.py')].replace('/', '_')
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up
        spec.loader.exec_module(module)
        _TOOLS[script] = module
    return _TOOLS[script]


@pytest.fixture(scope='session')
def load_tool() -> Callable[[str], ModuleType]:
    """:func:`import_tool`, as a fixture."""
    return import_tool
