"""mmpretrain's runtime plus the plugin's run-safety hooks.

Every runtime of this repository (this one, the distillation runtime built
on it, the benchmark's ``configs/benchmark/cifar10/_base_/runtime.py``)
carries the same four hooks; ``tests/test_engine/test_shipped_runtimes.py``
walks every config to check it:

- ``checkpoint``: ``AtomicCheckpointHook``, mmengine's ``CheckpointHook``
  whose saves survive ``kill -9`` at any moment (written completely, then
  renamed; old files removed only after that);
- ``non_finite``: ``NonFiniteLossHook`` stops the run at the first NaN/inf
  loss term with one line, before that iteration is saved (turn it off with
  ``--cfg-options default_hooks.non_finite.enabled=False``);
- ``work_dir_lock``: ``WorkDirLockHook``, one live run per work dir;
- ``batch_check``: ``LastBatchCheckHook`` refuses, before the first step,
  a train loader whose last batch is too small for a contrastive loss
  (LFCC's needs 2 samples: its negatives are the others of the batch).
"""
_base_ = ['mmpretrain::_base_/default_runtime.py']

# Registers the hooks below (and every other lfcc_mm component).
custom_imports = dict(imports=['lfcc_mm'], allow_failed_imports=False)

default_hooks = dict(
    checkpoint=dict(type='AtomicCheckpointHook'),
    non_finite=dict(type='NonFiniteLossHook'),
    work_dir_lock=dict(type='WorkDirLockHook'),
    batch_check=dict(type='LastBatchCheckHook'))
