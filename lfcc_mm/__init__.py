"""lfcc_mm: LFCC knowledge distillation as an MMRazor plugin.

Importing the package applies the compatibility shims (``lfcc_mm.compat``)
before ``mmrazor`` is imported, then registers every component in
``mmrazor.registry.MODELS``. Configs reach it with
``custom_imports = dict(imports=['lfcc_mm'], allow_failed_imports=False)``.
"""
from . import compat

compat.apply()

from . import datasets, models  # noqa: E402,F401
from .version import __version__  # noqa: E402,F401
