"""Runtime shared by every distillation config: mmpretrain's, plus the plugin.

``default_scope`` stays ``'mmpretrain'`` (datasets, transforms, metrics and
the visualizer are mmpretrain types), exactly as MMRazor's own distillation
configs do; the model dict switches to MMRazor with ``_scope_='mmrazor'``
(see ``_base_/methods/``).
"""
_base_ = ['./default_runtime.py']  # mmpretrain's, plus run-safety hooks

# Registers FrozenTeacherDistill, LFCC, CheckedDistiller, the connectors and
# losses in MMRazor
# (and applies the compatibility shims before MMRazor is imported).
custom_imports = dict(imports=['lfcc_mm'], allow_failed_imports=False)

# Kept from MMRazor's distillation configs: a safe default for DDP when a
# student leaves parameters out of a step. Set False for speed once a pair is
# known to use every parameter.
find_unused_parameters = True

# Checkpoints that survive kill -9 at any moment (AtomicCheckpointHook, from
# default_runtime.py), one per epoch, the last 3 kept,
# plus the best one by the student's top-1: SingleTeacherDistillValLoop
# reports the student's metrics first ('accuracy/top1') and the teacher's as
# 'teacher.accuracy/top1', so 'auto' tracks the student.
default_hooks = dict(
    checkpoint=dict(
        type='AtomicCheckpointHook',
        interval=1,
        max_keep_ckpts=3,
        save_best='auto'))

# A rank that hangs (deadlock, a stuck data loader, a stopped process) makes
# every other rank wait in its next collective (all-reduce, all-gather) for at
# most `timeout` seconds; then they stop with an error. torch's default is
# 1800 s (30 min); lower it to fail fast, e.g.
# --cfg-options env_cfg.dist_cfg.timeout=300.
env_cfg = dict(dist_cfg=dict(timeout=1800))
