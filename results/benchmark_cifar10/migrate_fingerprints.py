"""One-off: move the committed rows to the Runner-keys fingerprint (2026-12-06).

``lfcc_mm.bench.fingerprint`` used to hash the whole resolved config, so an
unused top-level variable added to a base (``kd_ofakd`` in
``configs/_base_/methods/kd_logits_cifar100.py``) changed the fingerprint of
every ``kd`` row without changing what ran. It now hashes only what the
``Runner`` reads (``RUNNER_KEYS``). For every row of ``results.json`` this
script

1. recomputes the *old* fingerprint from the configs as they were when the
   rows were committed (``OLD_ROOT``: ``git archive 200287a configs``) and
   checks it equals the row's: the row was produced by that config;
2. checks that what the Runner reads is the same in that config and in
   today's (``configs/``): today's config runs the same job;
3. writes the *new* fingerprint, computed from today's config, into the row
   (nothing else of the file changes).

Run from a folder holding ``data/cifar10-jpeg/{train,val}/<10 CIFAR-10
classes>/`` (only the class names and, for CRD, 500 files per training class
matter; the fingerprints use the configs' relative data roots)::

    python results/benchmark_cifar10/migrate_fingerprints.py REPO OLD_ROOT
"""
import copy
import json
import sys
from pathlib import Path

from lfcc_mm.bench import fingerprint as fp
from lfcc_mm.bench.driver import class_context
from lfcc_mm.bench.run_config import load_bench_config


def old_shaping(cfg, sha):
    """The shaping config of the old fingerprint: every top-level key."""
    plain = cfg.to_dict()
    plain = {k: v for k, v in plain.items() if k not in fp.NOT_SHAPING_KEYS}
    hooks = plain.get('default_hooks')
    if isinstance(hooks, dict):
        plain['default_hooks'] = {k: v for k, v in hooks.items()
                                  if k not in fp.NOT_SHAPING_HOOKS}
    return fp._replace_teacher_ckpt(plain, sha)


def fingerprints(row, root):
    """``(old, new, runner part)`` of a row's config under ``root``."""
    teacher = row['method'] == 'teacher'
    distill = not teacher and row['method'] != 'scratch'
    cfg = load_bench_config(str(Path(root) / row['config']), '',
                            dataset='folder', seed=row['seed'],
                            teacher_ckpt='teacher.pth' if distill else None)
    context = dict(numerics=row['settings']['numerics'],
                   data=class_context(cfg))
    sha = row['teacher_sha256']
    run_sha = None if teacher else (sha if distill else None)
    old = fp.stable_hash(dict(config=old_shaping(cfg, run_sha),
                              teacher_sha256=run_sha, context=context))
    new = fp.run_fingerprint(cfg, run_sha, context)
    if teacher:  # shipped weights, tested: the weights shape the row
        old = fp.stable_hash(dict(run=old, weights=sha), 16)
        new = fp.stable_hash(dict(run=new, weights=sha), 16)
    return old, new, fp.shaping_config(copy.deepcopy(cfg), run_sha)


def main(repo, old_root):
    path = Path(repo) / 'results' / 'benchmark_cifar10' / 'results.json'
    text = path.read_text()
    rows = json.loads(text)['runs']
    # Rows of equal configs share a fingerprint (the scratch runs of two
    # pairs with the same student): one old value, one new value.
    mapping = {}
    for row in rows:
        old, _, old_run = fingerprints(row, old_root)
        assert old == row['fingerprint'], (row['config'], row['seed'])
        _, new, run = fingerprints(row, repo)
        assert run == old_run, row['config']
        assert mapping.setdefault(old, new) == new, row['config']
        print(f'{row["config"]} seed {row["seed"]}: {old} -> {new}')
    for old, new in mapping.items():
        field = f'"fingerprint": "{old}"'
        assert field in text, field
        text = text.replace(field, f'"fingerprint": "{new}"')
    path.write_text(text)
    print(f'{len(rows)} rows ({len(mapping)} fingerprints): old fingerprint '
          f'reproduced from {old_root}, Runner part unchanged since, new '
          'fingerprint written')


if __name__ == '__main__':
    main(*sys.argv[1:3])
