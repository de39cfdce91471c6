"""Benchmark engine: teachers, then scratch / KD / LFCC students, one Runner each.

Used by ``tools/quickstart.py`` (scikit-learn digits) and
``tools/benchmark/kd_bench.py`` (an image folder such as CIFAR-10):

- :mod:`.zoo`: small 32x32 models (CNN, ViT, MLP-Mixer), their taps, pairs;
- :mod:`.methods`: method name -> model config (pluggable registry);
- :mod:`.data`: dataset descriptions (digits, class folders);
- :mod:`.config`: one full mmengine config per run;
- :mod:`.engine`: teacher cache, run loop;
- :mod:`.results`: ``results.json`` rows, merged and written atomically;
- :mod:`.fingerprint`: hash of what shaped a run (config, teacher weights);
- :mod:`.numerics`: pin the CPU kernels' instruction set and threads;
- :mod:`.report`: Markdown table and PNG plots;
- :mod:`.overhead`: step time / peak memory of LFCC vs. its floor.
"""
from .config import Schedule, build_run_config
from .data import DataSpec, digits_data, folder_data
from .engine import (Experiment, run_benchmark, settings_id_of,
                     settings_of)
from .fingerprint import file_sha256, run_fingerprint
from .methods import (METHODS, MethodHParams, build_method_model,
                      register_method)
from .numerics import pin_cpu_numerics
from .report import markdown_table, summarize, write_report
from .results import RunRecord, load_results, save_results
from .zoo import MODEL_SPECS, PAIRS, QUICKSTART_PAIR, ModelSpec, PairSpec, Tap

__all__ = [
    'Schedule', 'build_run_config', 'DataSpec', 'digits_data', 'folder_data',
    'Experiment', 'RunRecord', 'load_results', 'save_results',
    'run_benchmark', 'settings_of', 'settings_id_of', 'file_sha256',
    'run_fingerprint', 'pin_cpu_numerics', 'METHODS',
    'MethodHParams', 'build_method_model', 'register_method',
    'markdown_table', 'summarize', 'write_report', 'MODEL_SPECS', 'PAIRS',
    'QUICKSTART_PAIR', 'ModelSpec', 'PairSpec', 'Tap'
]
