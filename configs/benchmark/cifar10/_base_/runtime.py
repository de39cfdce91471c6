"""Runtime of every benchmark run (teachers, students, all methods).

As the repository's other configs: data, transforms and metrics in
mmpretrain's scope, distillers in MMRazor's (``_scope_='mmrazor'`` in
``methods/``); ``custom_imports`` registers ``lfcc_mm``. Validation is
mmengine's plain ``ValLoop`` for every method, so every run reports the
same ``accuracy/top1`` key (the student's, for distillation runs).
"""
default_scope = 'mmpretrain'
custom_imports = dict(imports=['lfcc_mm'], allow_failed_imports=False)

val_cfg = dict()
test_cfg = dict()

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=10),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # One checkpoint, after the last epoch (`epoch_{max_epochs}.pth`),
    # whatever the schedule's length; written completely, then renamed, and
    # the previous one removed only after that (survives kill -9).
    checkpoint=dict(
        type='AtomicCheckpointHook',
        interval=-1,
        save_last=True,
        max_keep_ckpts=1),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    # As configs/_base_/default_runtime.py: stop at the first non-finite
    # loss term, one live run per work dir, refuse a last batch too small
    # for a contrastive loss. None shapes a result
    # (lfcc_bench.fingerprint.NOT_SHAPING_HOOKS).
    non_finite=dict(type='NonFiniteLossHook'),
    work_dir_lock=dict(type='WorkDirLockHook'),
    batch_check=dict(type='LastBatchCheckHook'))

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'))

visualizer = dict(
    type='UniversalVisualizer', vis_backends=[dict(type='LocalVisBackend')])
log_processor = dict(by_epoch=True, window_size=10)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0, deterministic=False)

# Every parameter of student and connectors is used at every step.
find_unused_parameters = False
