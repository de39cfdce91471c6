from .atomic_checkpoint_hook import AtomicCheckpointHook
from .cpu_amp_optim_wrapper import CPUAmpOptimWrapper
from .dump_metrics_hook import DumpMetricsHook
from .resume_checkpoint import (checkpoint_problem, find_resume_checkpoint,
                                resume_settings)

__all__ = [
    'AtomicCheckpointHook', 'CPUAmpOptimWrapper', 'DumpMetricsHook',
    'checkpoint_problem', 'find_resume_checkpoint', 'resume_settings'
]
