from .cpu_amp_optim_wrapper import CPUAmpOptimWrapper
from .dump_metrics_hook import DumpMetricsHook

__all__ = ['CPUAmpOptimWrapper', 'DumpMetricsHook']
