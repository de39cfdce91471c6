"""Session-wide test hygiene.

mmengine keeps process-global state in ``ManagerMixin`` singletons: the
default registry scope (set by every Runner, by ``init_default_scope`` and
while parsing some configs) and the ``MessageHub`` (the training iteration
that LFCC's warm-up reads). A test that leaves ``default_scope='mmpretrain'``
behind would make every later ``mmrazor.registry.MODELS.build`` look in
mmpretrain's registry and fail, so every test starts with neither.

Loading a config is slow (1 to 4 s): for each ``mmpretrain::`` base, mmengine
re-reads the package's ~85 metafiles and reloads ``pkg_resources``
(``is_installed``), and the same committed configs are loaded by many test
folders. For the session, those metafiles are read once and a package's
installation is checked once (neither changes while tests run), and
``Config.fromfile`` of a file under ``configs/`` or an installed package is
loaded once and handed out as a deep copy (a config a test writes, anywhere
else, is always read anew).

mmengine's iteration loop sleeps 2 s each time a finite sampler starts
over (``_InfiniteDataloaderIterator``: a guard for persistent loader
workers). The toy runners of the tests have no loader workers and cycle
their few samples many times, so for in-process tests that pause is
skipped; nothing else of the loop changes.

``load_tool`` imports a script of ``tools/`` as a module, so that tests call
its ``main(argv)`` in-process (a process costs seconds: ``import lfcc_mm``
alone); one subprocess smoke test per tool keeps the real process boundary.
"""
import contextlib
import copy
import functools
import importlib.util
import io
import os
import os.path as osp
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Callable, Dict, Optional, Sequence, Tuple

import pytest
from mmengine.config import Config
from mmengine.logging import MessageHub
from mmengine.registry import DefaultScope

import lfcc_mm  # noqa: F401  (compat shims before any mmrazor import)


def _share_the_cores() -> None:
    """Under pytest-xdist, each worker's torch uses its share of the cores.

    ``scripts/test.sh`` starts one worker per core; torch's default of one
    thread per core in every worker would oversubscribe the machine.
    """
    workers = int(os.environ.get('PYTEST_XDIST_WORKER_COUNT', '0') or 0)
    if workers > 1:
        import torch
        torch.set_num_threads(max(1, (os.cpu_count() or 1) // workers))


_share_the_cores()

def pytest_collection_modifyitems(config, items):
    """Files with a ``slow`` test first, each file's tests kept together.

    ``scripts/test.sh`` hands whole files to the workers in this order
    (``--dist loadfile --no-loadscope-reorder``): the end-to-end files start
    early and the many quick ones fill the end, where xdist's default order
    (most tests first) left one worker finishing a long file alone.
    """
    slow = {item.path for item in items if item.get_closest_marker('slow')}
    items.sort(key=lambda item: item.path not in slow)  # stable


@pytest.fixture(autouse=True, scope='session')
def _no_pause_when_a_sampler_starts_over():
    """Skip the 2 s ``time.sleep`` of mmengine's loop at a sampler restart."""
    import types

    import mmengine.runner.loops as loops
    real = loops.time
    loops.time = types.SimpleNamespace(sleep=lambda seconds: None)
    yield
    loops.time = real


_IMMUTABLE_CONFIG_ROOTS = tuple(
    osp.realpath(p) + os.sep for p in (
        Path(__file__).resolve().parents[1] / 'configs',
        osp.dirname(osp.dirname(pytest.__file__))))  # site-packages
_CONFIGS: Dict[Tuple[str, str], Config] = {}


@pytest.fixture(autouse=True, scope='session')
def _configs_loaded_once():
    """``Config.fromfile`` of a committed or installed config, cached."""
    fromfile = Config.fromfile

    def cached_fromfile(filename, *args, **kwargs):
        path = osp.realpath(str(filename))
        if args or kwargs or not path.startswith(_IMMUTABLE_CONFIG_ROOTS):
            return fromfile(filename, *args, **kwargs)
        key = (str(filename), path)  # {{ fileDirname }} follows the name
        if key not in _CONFIGS:
            _CONFIGS[key] = fromfile(filename)
        return copy.deepcopy(_CONFIGS[key])

    import mmengine.config.config as config_module
    import mmengine.config.utils as config_utils
    read = config_utils.load  # the metafiles of an external package

    @functools.lru_cache(maxsize=None)
    def read_once(path, *args, **kwargs):
        return read(path, *args, **kwargs)

    def cached_read(path, *args, **kwargs):
        if isinstance(path, str) and osp.realpath(path).startswith(
                _IMMUTABLE_CONFIG_ROOTS):
            return read_once(path, *args, **kwargs)  # read, never modified
        return read(path, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Config, 'fromfile', staticmethod(cached_fromfile))
        mp.setattr(config_utils, 'load', cached_read)
        mp.setattr(config_module, 'is_installed', functools.lru_cache(
            maxsize=None)(config_module.is_installed))
        yield


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


def run_tool_main(script: str, args: Sequence[str], cwd: os.PathLike,
                  env: Optional[Dict[str, str]] = None,
                  syspath: Sequence[str] = ()
                  ) -> subprocess.CompletedProcess:
    """``python <script> <args>`` in-process: the tool's ``main(args)``.

    ``sys.argv``, the working folder, ``env`` and ``syspath`` are set for
    the call and restored after; ``LFCC_DEBUG`` is unset unless ``env`` sets
    it. A ``SystemExit`` gives the return code; stdout and stderr (the
    run's logger included) are captured. Another exception propagates (in a
    process: a traceback and exit code 1).

    Args:
        script (str): e.g. ``'tools/train.py'``.
        args (Sequence[str]): Its command-line arguments.
        cwd (os.PathLike): The working folder of the call.
        env (dict, optional): Environment variables to set.
        syspath (Sequence[str]): Folders to put first on ``sys.path``.

    Returns:
        subprocess.CompletedProcess: ``returncode``, ``stdout``, ``stderr``.
    """
    from mmengine.logging import MMLogger
    from mmengine.visualization import Visualizer

    args = [str(a) for a in args]
    out, err = io.StringIO(), io.StringIO()
    # A run's logger / visualizer are named by the second it started: a
    # second run in the same second must not get the first one's.
    saved = {cls: dict(cls._instance_dict) for cls in (MMLogger, Visualizer)}
    code = 0
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(cwd)
        for folder in syspath:
            mp.syspath_prepend(str(folder))
        mp.setattr(sys, 'argv', [str(REPO / script), *args])
        mp.delenv('LFCC_DEBUG', raising=False)
        for key, value in (env or {}).items():
            mp.setenv(key, value)
        for cls in saved:
            cls._instance_dict.clear()
        try:
            with contextlib.redirect_stdout(out), \
                    contextlib.redirect_stderr(err):
                import_tool(script).main(args)
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else int(
                exit_.code is not None)
        finally:
            for cls, instances in saved.items():
                cls._instance_dict.clear()
                cls._instance_dict.update(instances)
    return subprocess.CompletedProcess([script, *args], code, out.getvalue(),
                                       err.getvalue())


@pytest.fixture(scope='session')
def tool_main() -> Callable[..., subprocess.CompletedProcess]:
    """:func:`run_tool_main`, as a fixture (module fixtures may use it)."""
    return run_tool_main
