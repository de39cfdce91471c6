"""Compatibility shims that let the OpenMMLab 2.x stack run on today's PyTorch.

Every shim below fixes one named upstream breakage, detects whether it is
needed, and does nothing where it is not. They are applied once, by
``import lfcc_mm`` (configs reach it through ``custom_imports``), *before*
``mmrazor`` is imported for the first time.

Shims:

1. ``torch.ao.quantization.fuser_method_mappings`` lost the public names
   ``reverse2``, ``reverse3`` and ``reverse_sequential_wrapper2`` (renamed
   ``_reverse2``/``_reverse3`` and removed, PyTorch 2.0). mmrazor 1.0.0 imports
   them in ``structures/quantization/backend_config/common_operator_config_utils``.
2. ``mmrazor.structures.quantization.backend_config.mapping`` builds every
   quantization ``BackendConfig`` at import time with private torch APIs that
   no longer exist (``BackendPatternConfig._set_overwrite_output_fake_quantize``),
   so ``import mmrazor.models`` fails. We pre-register that one module with the
   same content mmrazor itself uses for old torch (every backend ``None``).
   Quantization is then unavailable, which nothing in lfcc_mm uses.
3. PyTorch >= 2.6 loads checkpoints with ``weights_only=True``, which rejects
   the ``mmengine`` objects stored in every Runner checkpoint (``HistoryBuffer``
   in ``meta['message_hub']``, numpy scalars). We allow-list exactly those
   types with ``torch.serialization.add_safe_globals`` instead of turning the
   safety check off. ``HistoryBuffer`` pickles its statistics methods as
   ``getattr(HistoryBuffer, 'min')``; allowing ``builtins.getattr`` itself
   would hand a crafted file ``eval`` (``getattr(getattr(getattr,
   '__self__'), 'eval')``), so that name is bound to
   :func:`history_buffer_getattr`, which resolves those four methods only.
4. CPU-only distributed runs: mmengine's ``init_dist`` calls
   ``torch.cuda.set_device`` unconditionally and the Runner wraps the model
   with ``device_ids=[LOCAL_RANK]``. :func:`adapt_cfg_for_device` switches the
   backend to ``gloo`` and ``device_ids`` to ``None`` when CUDA is absent, and
   :func:`apply` turns ``torch.cuda.set_device`` into a no-op there.
5. mmengine's checkpoint loaders call ``torch.load`` without
   ``weights_only`` for local files (so ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD``
   turns the check off) and with ``weights_only=False`` for URLs
   (``torch.hub``), i.e. every zoo ``teacher_ckpt``.
   :func:`lfcc_mm.checkpoint.install_weights_only_loaders` re-registers
   them (mmengine's ``CheckpointLoader.register_scheme(..., force=True)``)
   so that the Runner, ``load_checkpoint`` and ``init_cfg`` loads are all
   weights-only and a refused file is one clear error.
6. Not a breakage but a cost: ``import mmrazor.models`` imports its NAS
   ``MetricPredictor`` (``task_modules.predictor``), which pulls scipy,
   scikit-learn and pandas into every process, about a quarter of
   ``import lfcc_mm`` (1.8 of 7.7 s measured here). That package is stood in
   for by a module that imports the real one on first use: the attribute
   ``MetricPredictor`` and a ``TASK_UTILS`` build of ``'MetricPredictor'``
   (NAS search configs) both load it then, and nothing else changes.
7. Also a cost: mmrazor's ``OFDDistiller`` module runs ``from scipy.stats
   import norm`` on import, which loads all of ``scipy.stats`` (about 0.9 s
   of every process here) for one ``norm.cdf`` call when an OFD distiller
   computes its margins. While mmrazor's models are imported, ``scipy.stats``
   is stood in for by a module whose ``norm`` imports the real
   ``scipy.stats.norm`` on first use; the stand-in is removed right after,
   so any later ``import scipy.stats`` is the real one.
8. Also a cost: ``Config.pretty_text`` formats the whole config with yapf
   (0.3 to 1 s a call here), and a Runner asks for it several times with the
   same text: at start (the log, the runtime-info hook, the dumped config,
   the visualizer) and at **every checkpoint save** (``meta['cfg']``).
   mmengine's ``FormatCode`` is a pure function of the text and the style, so
   it is memoized (:func:`format_code_once`, a few recent texts); every
   output is yapf's own.
"""
from __future__ import annotations

import functools
import sys
import types
import warnings
from typing import Any, Dict, List

import torch

_MAPPING_MODULE = 'mmrazor.structures.quantization.backend_config.mapping'
_PREDICTOR_MODULE = 'mmrazor.models.task_modules.predictor'
_OFD_MODULE = 'mmrazor.models.distillers.ofd_distiller'
_applied: Dict[str, bool] = {}
#: Shim 8: how many formatted config texts are remembered.
_FORMATTED_TEXTS = 16


def _shim_fuser_method_mappings() -> bool:
    """Shim 1: restore the fuser helpers removed from torch.ao (torch >= 2.0).

    Returns:
        bool: Whether anything was patched.
    """
    from torch.ao.quantization import fuser_method_mappings as fmm
    patched = False
    if not hasattr(fmm, 'reverse2') and hasattr(fmm, '_reverse2'):
        fmm.reverse2 = fmm._reverse2
        patched = True
    if not hasattr(fmm, 'reverse3') and hasattr(fmm, '_reverse3'):
        fmm.reverse3 = fmm._reverse3
        patched = True
    if not hasattr(fmm, 'reverse_sequential_wrapper2'):

        def reverse_sequential_wrapper2(sequential):
            """Same as the torch 1.13 helper: build ``sequential(m2, m1)``."""

            def fuser_method(is_qat, m1, m2):
                return sequential(m2, m1)

            return fuser_method

        fmm.reverse_sequential_wrapper2 = reverse_sequential_wrapper2
        patched = True
    return patched


def _shim_quantization_mapping() -> bool:
    """Shim 2: skip mmrazor's import-time quantization BackendConfigs.

    Returns:
        bool: Whether the stand-in module was registered.
    """
    from torch.ao.quantization.backend_config import BackendPatternConfig
    if hasattr(BackendPatternConfig, '_set_overwrite_output_fake_quantize'):
        return False  # the torch APIs mmrazor needs are still there
    if _MAPPING_MODULE in sys.modules:
        return False  # mmrazor already imported (successfully) earlier
    mapping = types.ModuleType(_MAPPING_MODULE)
    mapping.__doc__ = ('Stand-in registered by lfcc_mm.compat: quantization '
                       'backends are unavailable on this torch version.')
    mapping.BackendConfigs = dict(
        academic=None, native=None, tensorrt=None, openvino=None)
    sys.modules[_MAPPING_MODULE] = mapping
    return True


def load_mmrazor_predictor() -> types.ModuleType:
    """Import mmrazor's real ``task_modules.predictor`` (shim 6), once.

    Returns:
        module: The real package; ``MetricPredictor`` is registered in
        mmrazor's ``TASK_UTILS`` as mmrazor does it.
    """
    import importlib
    module = sys.modules.get(_PREDICTOR_MODULE)
    if module is not None and not getattr(module, '_lfcc_stand_in', False):
        return module
    from mmrazor.registry import TASK_UTILS
    # the stand-in's registry entry makes way for the real class
    TASK_UTILS._module_dict.pop('MetricPredictor', None)
    sys.modules.pop(_PREDICTOR_MODULE, None)
    real = importlib.import_module(_PREDICTOR_MODULE)
    parent = sys.modules.get(_PREDICTOR_MODULE.rsplit('.', 1)[0])
    if parent is not None:
        parent.predictor = real
    return real


def _build_metric_predictor(*args: Any, **kwargs: Any) -> Any:
    """``TASK_UTILS`` entry of the stand-in: load and build the real one."""
    return load_mmrazor_predictor().MetricPredictor(*args, **kwargs)


def _shim_lazy_predictor() -> bool:
    """Shim 6: defer mmrazor's NAS predictor (scipy, scikit-learn, pandas).

    Returns:
        bool: Whether the stand-in module was registered.
    """
    if _PREDICTOR_MODULE in sys.modules or 'mmrazor.models' in sys.modules:
        return False  # mmrazor's models are imported already
    stand_in = types.ModuleType(_PREDICTOR_MODULE)
    stand_in.__doc__ = ('Stand-in registered by lfcc_mm.compat: the real '
                        'module is imported on first use.')
    stand_in.__all__ = []  # ``from .predictor import *`` takes nothing
    stand_in._lfcc_stand_in = True

    def __getattr__(name: str) -> Any:
        if name.startswith('__'):
            raise AttributeError(name)
        return getattr(load_mmrazor_predictor(), name)

    stand_in.__getattr__ = __getattr__  # type: ignore[attr-defined]
    sys.modules[_PREDICTOR_MODULE] = stand_in
    from mmrazor.registry import TASK_UTILS
    TASK_UTILS.register_module(
        name='MetricPredictor', module=_build_metric_predictor)
    return True


class LazyNorm:
    """``scipy.stats.norm``, imported on its first attribute use (shim 7)."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith('__'):
            raise AttributeError(name)
        from scipy.stats import norm
        return getattr(norm, name)


def _shim_lazy_scipy_norm() -> bool:
    """Shim 7: import mmrazor's models without loading ``scipy.stats``.

    Returns:
        bool: Whether mmrazor's ``ofd_distiller`` was imported with the
        stand-in (False when ``scipy.stats`` or mmrazor's models were
        imported already).
    """
    if 'scipy.stats' in sys.modules or _OFD_MODULE in sys.modules:
        return False
    import importlib
    stand_in = types.ModuleType('scipy.stats')
    stand_in.__doc__ = ('Stand-in registered by lfcc_mm.compat while '
                        "mmrazor's models are imported.")
    stand_in.norm = LazyNorm()

    def __getattr__(name: str) -> Any:
        if name.startswith('__'):  # the import system's ``__path__``...
            raise AttributeError(name)
        # anything else asked for in the window: the real module
        if sys.modules.get('scipy.stats') is stand_in:
            del sys.modules['scipy.stats']
        return getattr(importlib.import_module('scipy.stats'), name)

    stand_in.__getattr__ = __getattr__  # type: ignore[attr-defined]
    sys.modules['scipy.stats'] = stand_in
    try:
        importlib.import_module(_OFD_MODULE)
    finally:
        if sys.modules.get('scipy.stats') is stand_in:
            del sys.modules['scipy.stats']
    return True


# The statistics methods ``HistoryBuffer._set_default_statistics`` stores in
# every buffer (mmengine 0.10): the only attributes a checkpoint may look up.
HISTORY_BUFFER_STATISTICS = ('min', 'max', 'current', 'mean')


def history_buffer_getattr(obj: Any, name: str) -> Any:
    """``getattr`` as an mmengine checkpoint needs it, and nothing more.

    ``HistoryBuffer.__getstate__`` keeps the buffer's statistics methods,
    which pickle stores as ``getattr(HistoryBuffer, 'min')``. This stand-in
    is registered under the name ``builtins.getattr`` for weights-only
    loads; any other lookup (e.g. ``getattr(getattr, '__self__')``, the
    first step from ``getattr`` to ``eval``) is refused.

    Args:
        obj (Any): Must be mmengine's ``HistoryBuffer`` class itself.
        name (str): One of :data:`HISTORY_BUFFER_STATISTICS`.

    Returns:
        Callable: The unbound method, e.g. ``HistoryBuffer.min``.

    Raises:
        pickle.UnpicklingError: For any other object or name (torch's
            ``load`` reports it as a refused weights-only load).
    """
    import pickle

    from mmengine.logging import HistoryBuffer
    if obj is HistoryBuffer and isinstance(name, str) and (
            name in HISTORY_BUFFER_STATISTICS):
        return getattr(HistoryBuffer, name)
    shown = obj.__name__ if isinstance(obj, type) else type(obj).__name__
    raise pickle.UnpicklingError(
        f'checkpoint asks for getattr({shown}, {name!r}); lfcc_mm allows '
        'getattr only for the statistics methods of mmengine\'s '
        f'HistoryBuffer {HISTORY_BUFFER_STATISTICS}. The file is not an '
        'mmengine checkpoint and may try to run code: do not load it.')


def mmengine_safe_globals() -> List[Any]:
    """The non-tensor types that an mmengine Runner writes into checkpoints.

    Returns:
        list: Classes and functions to allow-list for ``weights_only`` loads;
        ``builtins.getattr`` is :func:`history_buffer_getattr`, never the
        builtin (which reaches ``eval``).
    """
    import numpy as np
    from mmengine.logging import HistoryBuffer
    safe: List[Any] = [
        HistoryBuffer, (history_buffer_getattr, 'builtins.getattr'),
        np.ndarray, np.dtype
    ]
    # numpy pickles arrays through ``_reconstruct`` and scalars through
    # ``scalar``; their module moved from ``numpy.core`` to ``numpy._core``.
    for mod_name in ('numpy._core.multiarray', 'numpy.core.multiarray'):
        mod = sys.modules.get(mod_name)
        if mod is None:
            try:
                mod = __import__(mod_name, fromlist=['_reconstruct'])
            except ImportError:
                continue
        safe += [mod._reconstruct, mod.scalar]
        break
    # numpy >= 1.25 pickles dtypes as instances of per-type DType classes.
    safe += [type(np.dtype(t)) for t in (np.float64, np.float32, np.int64,
                                          np.int32, np.bool_)]
    return safe


def _shim_weights_only_load() -> bool:
    """Shim 3: allow-list mmengine checkpoint types for torch >= 2.6 loads.

    Returns:
        bool: Whether types were registered.
    """
    add_safe_globals = getattr(torch.serialization, 'add_safe_globals', None)
    if add_safe_globals is None:
        return False  # torch < 2.4: torch.load is not weights-only by default
    # An earlier (unsafe) registration of the builtin itself would compete
    # with the stand-in for the name ``builtins.getattr``: drop it.
    from torch import _weights_only_unpickler as wou
    remove = getattr(wou, '_remove_safe_globals', None)
    if remove is not None:
        remove([getattr])
    add_safe_globals(mmengine_safe_globals())
    return True


def _shim_weights_only_loaders() -> bool:
    """Shim 5: every mmengine checkpoint loader is weights-only.

    Returns:
        bool: Whether a loader was replaced.
    """
    from lfcc_mm.checkpoint import install_weights_only_loaders
    return install_weights_only_loaders()


def _shim_cuda_set_device() -> bool:
    """Shim 4a: ``torch.cuda.set_device`` is a no-op on CPU-only machines.

    Returns:
        bool: Whether it was replaced.
    """
    if torch.cuda.is_available():
        return False
    if getattr(torch.cuda.set_device, '_lfcc_noop', False):
        return False

    def set_device(device: Any) -> None:
        """No CUDA device to select: keep running on the CPU."""

    set_device._lfcc_noop = True  # type: ignore[attr-defined]
    torch.cuda.set_device = set_device
    return True


def _shim_format_config_text_once() -> bool:
    """Shim 8: yapf formats a config text once, not at every save.

    Returns:
        bool: Whether ``mmengine.config.config.FormatCode`` was replaced.
    """
    import mmengine.config.config as config_module
    format_code = config_module.FormatCode
    if getattr(format_code, '_lfcc_once', False):
        return False

    @functools.lru_cache(maxsize=_FORMATTED_TEXTS)
    def formatted(text: str, style: tuple, verify: bool) -> tuple:
        kwargs = dict(verify=True) if verify else {}
        return format_code(text, style_config=dict(style), **kwargs)

    def format_code_once(unformatted_source: str, style_config: Any = None,
                         **kwargs: Any) -> Any:
        """``FormatCode`` of mmengine's calls, memoized; others as they are.

        Returns:
            tuple: ``(formatted text, changed)``, as yapf's ``FormatCode``.
        """
        if (not isinstance(style_config, dict) or set(kwargs) - {'verify'}
                or not all(isinstance(v, (str, bool, int))
                           for v in style_config.values())):
            return format_code(unformatted_source, style_config=style_config,
                               **kwargs)
        return formatted(unformatted_source,
                         tuple(sorted(style_config.items())),
                         bool(kwargs.get('verify', False)))

    format_code_once._lfcc_once = True  # type: ignore[attr-defined]
    config_module.FormatCode = format_code_once
    return True


def apply() -> Dict[str, bool]:
    """Apply every shim once; later calls return the first result.

    Also silences mmcv's import-time warning that ``mmcv-lite`` lacks the
    compiled ``MultiScaleDeformableAttention`` op, which no lfcc_mm path uses.

    Returns:
        dict: Shim name -> whether it changed anything on this machine.
    """
    if not _applied:
        warnings.filterwarnings(
            'ignore', message='Fail to import ``MultiScaleDeformableAttention')
        _applied.update(
            fuser_method_mappings=_shim_fuser_method_mappings(),
            quantization_mapping=_shim_quantization_mapping(),
            weights_only_load=_shim_weights_only_load(),
            weights_only_loaders=_shim_weights_only_loaders(),
            cuda_set_device=_shim_cuda_set_device(),
            lazy_predictor=_shim_lazy_predictor(),
            lazy_scipy_norm=_shim_lazy_scipy_norm(),
            format_config_text_once=_shim_format_config_text_once(),
        )
    return dict(_applied)


def adapt_cfg_for_device(cfg: Any) -> Any:
    """Shim 4b: make a config's distributed settings valid without CUDA.

    On a CUDA machine the config is returned unchanged. Without CUDA, the
    process group uses ``gloo`` and the DDP wrapper gets ``device_ids=None``
    (CPU modules), so ``tools/dist_train.sh CONFIG 2`` runs two CPU processes.

    Args:
        cfg (mmengine.Config): The full config, changed in place.

    Returns:
        mmengine.Config: The same config object.
    """
    if torch.cuda.is_available():
        return cfg
    # ConfigDict copies plain dicts on assignment: build, then assign.
    env_cfg = cfg.get('env_cfg') or {}
    env_cfg['dist_cfg'] = dict(env_cfg.get('dist_cfg') or {}, backend='gloo')
    cfg['env_cfg'] = env_cfg
    wrapper = cfg.get('model_wrapper_cfg') or dict(
        type='MMDistributedDataParallel',
        broadcast_buffers=False,
        find_unused_parameters=cfg.get('find_unused_parameters', False))
    wrapper['device_ids'] = None
    cfg['model_wrapper_cfg'] = wrapper
    return cfg
