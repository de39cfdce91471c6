"""Benchmark engine: teachers, then scratch / KD / LFCC students, one Runner each.

Used by ``tools/quickstart.py`` (scikit-learn digits) and
``tools/benchmark/kd_bench.py`` (an image folder such as CIFAR-10):

- :mod:`.zoo`: small 32x32 models (CNN, ViT, MLP-Mixer), their taps, pairs;
- :mod:`.methods`: method name -> model config (pluggable registry);
- :mod:`.data`: dataset descriptions (digits, class folders);
- :mod:`.config`: one full mmengine config per run;
- :mod:`.engine`: teacher cache, run loop, ``results.json``;
- :mod:`.report`: Markdown table and PNG plots;
- :mod:`.overhead`: step time / peak memory of LFCC vs. its floor.
"""
from .config import Schedule, build_run_config
from .data import DataSpec, digits_data, folder_data
from .engine import Experiment, RunRecord, load_results, run_benchmark
from .methods import (METHODS, MethodHParams, build_method_model,
                      register_method)
from .report import markdown_table, summarize, write_report
from .zoo import MODEL_SPECS, PAIRS, QUICKSTART_PAIR, ModelSpec, PairSpec, Tap

__all__ = [
    'Schedule', 'build_run_config', 'DataSpec', 'digits_data', 'folder_data',
    'Experiment', 'RunRecord', 'load_results', 'run_benchmark', 'METHODS',
    'MethodHParams', 'build_method_model', 'register_method',
    'markdown_table', 'summarize', 'write_report', 'MODEL_SPECS', 'PAIRS',
    'QUICKSTART_PAIR', 'ModelSpec', 'PairSpec', 'Tap'
]
