"""One benchmark run in its own process: ``python -m lfcc_bench.worker JOB``.

The driver (:mod:`lfcc_bench.driver`) writes ``JOB`` (JSON) into the
run's work dir and starts this module; it rebuilds the run's config with
:func:`~lfcc_bench.run_config.load_bench_config` from the job's
arguments, checks that its fingerprint is the one the driver planned (the
config files did not change in between), trains (or, for a teacher given as
weights, only tests) with mmengine's Runner, and writes ``result.json`` next
to the job. A process per run keeps runs independent: the same seed gives
the same numbers whether runs go one at a time or several at once.

Job keys: ``mode`` (``'train'`` or ``'test'``), ``config``, ``load`` (keyword
arguments of ``load_bench_config`` besides ``config`` and ``work_dir``),
``work_dir``, ``threads``, ``cpu_isa``, ``load_from`` (test mode: the
weights), ``teacher_sha256``, ``context``, ``fingerprint``.
"""
from __future__ import annotations

import os
import os.path as osp
import sys
import time
from typing import Any, Dict

#: Name of the job file and of the result file in a run's work dir.
JOB_FILE = 'job.json'
RESULT_FILE = 'result.json'


def run_job(job: Dict[str, Any]) -> Dict[str, Any]:
    """Train or test the run described by ``job``.

    Args:
        job (dict): See the module docstring.

    Returns:
        dict: ``top1`` (%), ``wall_s``, ``checkpoint`` (the last training
        checkpoint; the tested weights in test mode), ``log_dir``,
        ``fingerprint``.

    Raises:
        RuntimeError: If the rebuilt config's fingerprint is not the job's.
    """
    from lfcc_bench.numerics import pin_cpu_numerics
    pin_cpu_numerics(job['threads'], job['cpu_isa'])
    from mmengine.runner import Runner

    import lfcc_mm  # noqa: F401  (compat shims and registries)
    from lfcc_bench import progress  # noqa: F401  (BenchProgressHook)
    from lfcc_bench.fingerprint import run_fingerprint
    from lfcc_bench.run_config import load_bench_config

    start = time.perf_counter()
    cfg = load_bench_config(job['config'], job['work_dir'], **job['load'])
    fingerprint = run_fingerprint(cfg, job.get('teacher_sha256'),
                                  job['context'])
    if fingerprint != job['fingerprint']:
        raise RuntimeError(
            f'{job["config"]}: the config resolves to fingerprint '
            f'{fingerprint}, the driver planned {job["fingerprint"]}: did a '
            'config file change while the benchmark ran?')
    cfg.custom_hooks = list(cfg.get('custom_hooks', [])) + [
        dict(type='BenchProgressHook')]
    if job['mode'] == 'test':
        from lfcc_mm.checkpoint import load_weights_from
        runner = Runner.from_cfg(cfg)
        # strictly, unlike the Runner's ``load_from``: weights that do not
        # fit are an error, not a warning above a chance-level top-1
        load_weights_from(runner.model, job['load_from'], 'teacher weights')
        metrics = runner.test()
        top1 = metrics['accuracy/top1']
        checkpoint = job['load_from']
    else:
        runner = Runner.from_cfg(cfg)
        runner.train()
        top1 = runner.message_hub.get_scalar('val/accuracy/top1').current()
        with open(osp.join(cfg.work_dir, 'last_checkpoint')) as f:
            checkpoint = f.read().strip()
    return dict(top1=float(top1), wall_s=round(time.perf_counter() - start, 2),
                checkpoint=checkpoint, log_dir=runner.log_dir,
                fingerprint=fingerprint)


def main(job_file: str) -> None:
    """Run the job in ``job_file``; write ``result.json`` beside it."""
    from lfcc_bench.results import write_json_atomic
    from lfcc_mm.cli import exit_on_user_error
    from lfcc_mm.errors import read_json
    with exit_on_user_error():
        job = read_json(job_file, 'benchmark job')
        result = run_job(job)
        write_json_atomic(osp.join(osp.dirname(job_file), RESULT_FILE),
                          result)
    sys.stdout.flush()
    # Dataloader workers and mmengine's handlers need no orderly teardown
    # here; leaving at once saves seconds per run.
    os._exit(0)


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(f'usage: python -m {__spec__.name} JOB_FILE')
    main(sys.argv[1])
