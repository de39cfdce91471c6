from .atomic_checkpoint_hook import AtomicCheckpointHook
from .cpu_amp_optim_wrapper import CPUAmpOptimWrapper
from .dump_metrics_hook import DumpMetricsHook
from .last_batch_check_hook import LastBatchCheckHook, LastBatchError
from .non_finite_loss_hook import NonFiniteLossError, NonFiniteLossHook
from .resume_checkpoint import (checkpoint_problem, find_resume_checkpoint,
                                resume_settings)
from .work_dir_lock import WorkDirBusyError, WorkDirLock, WorkDirLockHook

__all__ = [
    'AtomicCheckpointHook', 'CPUAmpOptimWrapper', 'DumpMetricsHook',
    'LastBatchCheckHook', 'LastBatchError',
    'NonFiniteLossError', 'NonFiniteLossHook', 'WorkDirBusyError',
    'WorkDirLock', 'WorkDirLockHook', 'checkpoint_problem',
    'find_resume_checkpoint', 'resume_settings'
]
