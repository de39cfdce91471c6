"""Benchmark harness: run grids of config files, record and tabulate rows.

Lab tooling of the source checkout, not part of the installed ``lfcc_mm``
(``setup.py`` packages ``lfcc_mm`` only): it finds the grids under the
checkout's ``configs/``, and its tools put the repository root on
``sys.path``. Its dependencies are the ``bench`` extra
(``requirements/bench.txt``). :mod:`.analysis` is the feature-spectrum
analysis of ``tools/analysis/feature_spectrum.py``.

Every run is a config of ``configs/benchmark/<dataset>/`` (teachers and
pair x method configs; ``digits/`` is the quickstart's grid, ``cifar10/`` the
benchmark's). ``tools/quickstart.py`` and ``tools/benchmark/kd_bench.py``
are command lines over :class:`Benchmark`:

- :mod:`.run_config`: find the grid's configs by name, resolve one run's
  config (data, seed, teacher weights, epochs, images per class);
- :mod:`.driver`: plan teachers then students, one process per run,
  reuse rows by fingerprint;
- :mod:`.worker`: one run in its own process (mmengine's Runner);
- :mod:`.progress`: a run's progress, for the driver's bars;
- :mod:`.results`: ``results.json`` rows, merged and written atomically;
- :mod:`.fingerprint`: hash of what shaped a run (config, teacher weights);
- :mod:`.numerics`: pin the CPU kernels' instruction set and threads;
- :mod:`.report`: Markdown table and PNG plots;
- :mod:`.model_zoo`: the metafile and README table from results;
- :mod:`.overhead`: step time / peak memory of an LFCC config vs. its floor.
"""
from .driver import Benchmark, BenchOptions, DataChoice
from .fingerprint import file_sha256, run_fingerprint
from .numerics import pin_cpu_numerics
from .report import markdown_table, summarize, write_report
from .results import RunRecord, load_results, save_results
from .run_config import find_bench_configs, load_bench_config

__all__ = [
    'Benchmark', 'BenchOptions', 'DataChoice', 'file_sha256',
    'run_fingerprint', 'pin_cpu_numerics', 'markdown_table', 'summarize',
    'write_report', 'RunRecord', 'load_results', 'save_results',
    'find_bench_configs', 'load_bench_config'
]
