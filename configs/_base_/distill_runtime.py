"""Runtime shared by every distillation config: mmpretrain's, plus the plugin.

``default_scope`` stays ``'mmpretrain'`` (datasets, transforms, metrics and
the visualizer are mmpretrain types), exactly as MMRazor's own distillation
configs do; the model dict switches to MMRazor with ``_scope_='mmrazor'``
(see ``_base_/methods/``).
"""
_base_ = ['mmpretrain::_base_/default_runtime.py']

# Registers FrozenTeacherDistill, LFCC, CheckedDistiller, the connectors and
# losses in MMRazor
# (and applies the compatibility shims before MMRazor is imported).
custom_imports = dict(imports=['lfcc_mm'], allow_failed_imports=False)

# Kept from MMRazor's distillation configs: a safe default for DDP when a
# student leaves parameters out of a step. Set False for speed once a pair is
# known to use every parameter.
find_unused_parameters = True
