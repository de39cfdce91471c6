"""One-off: drop the rows of renamed methods once their new rows exist (2026-12-07).

Issue 20 made the candidate ``lfcc_cls_w05`` the default ``lfcc`` and
renamed the other candidates after what they now ablate (``lfcc_cls`` ->
``lfcc_w1``, ``lfcc_w05`` -> ``lfcc_nocls``, ``lfcc_cls_kd`` ->
``lfcc_kd_w1``, ``lfcc_cls_w05_kd`` -> ``lfcc_kd``; the earlier ``lfcc`` /
``lfcc_kd`` are ``lfcc_nocls_w1`` / ``lfcc_kd_nocls_w1``). ``kd_bench.py``
reused each renamed run by its fingerprint under the new name (the row
records ``reused_from``), which leaves the row under the old name, whose
config no longer exists. This script removes exactly those rows: a row is
dropped only when its config file is gone *and* the file holds a row of
another method with the same pair, seed and fingerprint (the same run,
kept). Anything else whose config is gone stops the script.

    python results/benchmark_cifar10/drop_renamed_rows.py RESULTS_JSON
"""
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # the checkout's lfcc_mm, installed or not

from lfcc_mm.errors import UserError, read_json  # noqa: E402
from lfcc_mm.fileio import write_json_atomic  # noqa: E402


def main(path: str) -> int:
    try:
        data = read_json(path, 'results file')
    except UserError as err:  # a torn file: one line, nothing written
        print(f'error: {err}')
        return 1
    runs = data.get('runs') if isinstance(data, dict) else None
    if not isinstance(runs, list):
        print(f'{path} has no "runs" list: not a kd_bench results file')
        return 1
    kept, dropped = [], []
    for row in runs:
        if not row.get('config') or (REPO / row['config']).is_file():
            kept.append(row)
            continue
        same = [r for r in runs if r is not row and row.get('fingerprint')
                and (r.get('pair'), r.get('seed'), r.get('fingerprint')) ==
                (row.get('pair'), row.get('seed'), row['fingerprint'])
                and r.get('config') and (REPO / r['config']).is_file()]
        if not same:
            print(f'{row["config"]} seed {row["seed"]}: its config is gone '
                  'and no kept row is the same run; nothing written')
            return 1
        dropped.append(row)
        print(f'{row["method"]} {row["pair"]} seed {row["seed"]} '
              f'({row["fingerprint"]}): kept as '
              f'{", ".join(r["method"] for r in same)}')
    data['runs'] = kept
    write_json_atomic(path, data)
    print(f'{len(dropped)} rows dropped, {len(kept)} kept')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
