"""Session-wide test hygiene.

mmengine keeps process-global state in ``ManagerMixin`` singletons: the
default registry scope (set by every Runner, by ``init_default_scope`` and
while parsing some configs) and the ``MessageHub`` (the training iteration
that LFCC's warm-up reads). A test that leaves ``default_scope='mmpretrain'``
behind would make every later ``mmrazor.registry.MODELS.build`` look in
mmpretrain's registry and fail, so every test starts with neither.
"""
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
