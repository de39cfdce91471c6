"""Publish benchmark results: the CIFAR-10 metafile and README table.

From the rows of one settings group of a ``results.json`` written by
``tools/benchmark/kd_bench.py`` (default: the latest command's), writes
``configs/benchmark/cifar10/metafile.yml`` (one model per config, top-1
mean and std over seeds), adds it to ``model-index.yml`` and replaces the
README's results section (between ``<!-- results:start -->`` and
``<!-- results:end -->``). Same input, same bytes; run it from anywhere::

    python tools/benchmark/update_model_zoo.py work_dirs/kd_bench/results.json
"""
from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from typing import Optional, Sequence

REPO = Path(__file__).resolve().parents[2]
BENCH_DIR = REPO / 'configs' / 'benchmark' / 'cifar10'


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Command-line arguments."""
    p = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument('results_json', metavar='RESULTS_JSON',
                   help="the benchmark's results.json")
    p.add_argument('--settings-id',
                   help='settings group to publish (default: the latest '
                   "command's, settings.settings_id of the file)")
    p.add_argument('--metafile', default=str(BENCH_DIR / 'metafile.yml'),
                   help='metafile to write')
    p.add_argument('--readme', default=str(BENCH_DIR / 'README.md'),
                   help='README whose results section is replaced')
    p.add_argument('--model-index', default=str(REPO / 'model-index.yml'),
                   help='model index at the repository root (Config paths '
                   'are relative to its folder)')
    p.add_argument('--log-hint',
                   help='where the runs\' logs are, shown under the README '
                   'intro, e.g. "work_dirs/kd_bench/<config>/seed<N>/"')
    return p.parse_args(argv)


def _warn(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings as one ``update_model_zoo.py: warning: ...`` line."""
    print(f'{Path(sys.argv[0]).name}: warning: {message}', file=sys.stderr)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Write the metafile, the model-index import and the README table."""
    args = parse_args(argv)
    # lfcc_bench (benchmark tooling) lives in the checkout, not in the install
    sys.path.insert(0, str(REPO))
    from lfcc_bench.model_zoo import update_model_zoo
    from lfcc_mm.cli import exit_on_user_error
    with warnings.catch_warnings(), exit_on_user_error():
        warnings.simplefilter('always')
        warnings.showwarning = _warn
        done = update_model_zoo(args.results_json, args.metafile,
                                args.readme, args.model_index,
                                args.settings_id, args.log_hint)
    print(f'settings group {done["settings_id"]}: {done["models"]} models '
          f'-> {args.metafile}, {args.readme}'
          + (f', import added to {args.model_index}' if done['imported']
             else ''))
    for weak in done['weak_teachers']:
        print(weak)


if __name__ == '__main__':
    main()
