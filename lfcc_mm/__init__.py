"""lfcc_mm: LFCC knowledge distillation as an MMRazor plugin.

Importing the package applies the compatibility shims (``lfcc_mm.compat``)
before ``mmrazor`` is imported, then registers every component: models in ``mmrazor.registry.MODELS``,
datasets in mmpretrain's ``DATASETS`` and the CPU mixed-precision optimizer
wrapper in mmengine's ``OPTIM_WRAPPERS`` (so a dumped config of a CPU
``--amp`` run builds anywhere ``lfcc_mm`` is imported). Configs reach it with
``custom_imports = dict(imports=['lfcc_mm'], allow_failed_imports=False)``.
"""
from . import compat

compat.apply()

from . import datasets, engine, models  # noqa: E402,F401
from .version import __version__  # noqa: E402,F401
