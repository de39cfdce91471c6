"""The benchmark engine: teachers once, then every (pair, method, seed) run.

Both front-ends use it: ``tools/quickstart.py`` (digits, one pair, one seed)
and ``tools/benchmark/kd_bench.py`` (an image folder, several pairs and
seeds). Every run is an mmengine ``Runner`` built from
:func:`~lfcc_mm.bench.config.build_run_config`; results are appended to
``WORK_DIR/results.json`` after each run, so an interrupted benchmark resumes
where it stopped, and teachers are cached in ``WORK_DIR/teachers/``.
"""
from __future__ import annotations

import gc
import hashlib
import json
import os
import os.path as osp
import time
from dataclasses import asdict, dataclass
from typing import Dict, List, Optional, Sequence, Union

from mmengine.config import Config
from mmengine.logging import print_log

from .config import Schedule, build_run_config
from .data import DataSpec
from .methods import NEEDS_TEACHER, MethodHParams, build_method_model
from .zoo import MODEL_SPECS, PAIRS, PairSpec

RESULTS_FILE = 'results.json'


@dataclass(frozen=True)
class Experiment:
    """Everything shared by the runs of one benchmark.

    Args:
        data (DataSpec): Datasets and loaders.
        schedule (Schedule): Student budget and optimiser.
        teacher_schedule (Schedule): Teacher budget and optimiser.
        work_dir (str): Root of all outputs.
        hparams (MethodHParams): Distillation loss settings.
        command (str): The command line, recorded with every result.
        teacher_seed (int): Seed of the (single) teacher run. Defaults to 0.
    """

    data: DataSpec
    schedule: Schedule
    teacher_schedule: Schedule
    work_dir: str
    hparams: MethodHParams = MethodHParams()
    command: str = ''
    teacher_seed: int = 0


@dataclass
class RunRecord:
    """One row of ``results.json``.

    Args:
        pair (str): Pair name, ``None`` for a teacher run.
        teacher (str): Teacher model name (the model itself for teachers).
        student (str): Student model name (``None`` for teachers).
        method (str): ``'teacher'``, ``'scratch'``, ``'kd'``, ``'lfcc'``...
        seed (int): Seed of the run.
        top1 (float): Top-1 accuracy (%) on the test set after training.
        wall_s (float): Wall time of building, training and testing (s).
        epochs (int): Training epochs.
        work_dir (str): The run's work dir (checkpoint, logs).
        log_dir (str): The run's timestamped log dir (``vis_data/``).
        checkpoint (str): Final checkpoint.
        command (str): Command line of the benchmark.
        reused (bool): Loaded from the cache instead of trained now.
    """

    pair: Optional[str]
    teacher: str
    student: Optional[str]
    method: str
    seed: int
    top1: float
    wall_s: float
    epochs: int
    work_dir: str
    log_dir: str
    checkpoint: str
    command: str
    reused: bool = False

    @property
    def key(self) -> tuple:
        """``(pair, teacher, student, method, seed)``: identity of a run."""
        return (self.pair, self.teacher, self.student, self.method,
                self.seed)


def train_and_evaluate(cfg: Config) -> Dict[str, object]:
    """Build a Runner from ``cfg``, train it, test it on the val loader.

    Args:
        cfg (mmengine.Config): A config from :func:`build_run_config`
            (validation after the last epoch).

    Returns:
        dict: ``top1`` (%), ``wall_s``, ``checkpoint``, ``log_dir``.
    """
    from mmengine.runner import Runner
    start = time.perf_counter()
    runner = Runner.from_cfg(cfg)
    runner.train()
    wall_s = time.perf_counter() - start
    top1 = runner.message_hub.get_scalar('val/accuracy/top1').current()
    with open(osp.join(cfg.work_dir, 'last_checkpoint')) as f:
        checkpoint = f.read().strip()
    result = dict(top1=float(top1), wall_s=round(wall_s, 2),
                  checkpoint=checkpoint, log_dir=runner.log_dir)
    del runner
    gc.collect()
    return result


def export_weights(checkpoint: str, out_file: str) -> str:
    """Save only the model ``state_dict`` of a Runner checkpoint.

    Distillation runs load the teacher from this weights-only file: it is
    smaller than the Runner checkpoint (no optimizer or message hub). Read
    and written through :mod:`lfcc_mm.checkpoint` (weights-only load,
    atomic save, module versions kept).

    Args:
        checkpoint (str): A Runner checkpoint this engine has just written.
        out_file (str): Where the state dict goes.

    Returns:
        str: ``out_file``.
    """
    from lfcc_mm.checkpoint import (load_checkpoint_file, save_atomic,
                                    state_dict_of)
    state = state_dict_of(load_checkpoint_file(checkpoint),
                          f'checkpoint {checkpoint!r}')
    return save_atomic(state, out_file)


def _fingerprint(obj: object) -> str:
    """Short stable hash of a JSON-serialisable object."""
    text = json.dumps(obj, sort_keys=True, default=str)
    return hashlib.sha1(text.encode()).hexdigest()[:8]


def ensure_teacher(exp: Experiment, model_name: str) -> RunRecord:
    """Train ``model_name`` as a teacher once; reuse it when cached.

    The cache lives in ``WORK_DIR/teachers/<model>-<hash>/`` where the hash
    covers the model, training data, schedule and seed, so a changed setting
    trains a new teacher instead of reusing a wrong one.

    Args:
        exp (Experiment): The benchmark settings.
        model_name (str): Key of :data:`~lfcc_mm.bench.zoo.MODEL_SPECS`.

    Returns:
        RunRecord: The teacher's result (``reused=True`` from the cache).
    """
    model = MODEL_SPECS[model_name].classifier(exp.data.num_classes)
    key = _fingerprint(dict(model=model, train=exp.data.train,
                            schedule=asdict(exp.teacher_schedule),
                            seed=exp.teacher_seed))
    run_dir = osp.join(exp.work_dir, 'teachers', f'{model_name}-{key}')
    meta_path = osp.join(run_dir, 'teacher.json')
    if osp.isfile(meta_path):
        with open(meta_path) as f:
            record = RunRecord(**json.load(f))
        if osp.isfile(record.checkpoint):
            print_log(f'[bench] reusing teacher {model_name} from {run_dir} '
                      f'(top-1 {record.top1:.2f})', logger='current')
            record.reused = True
            return record
    print_log(f'[bench] training teacher {model_name} '
              f'({exp.teacher_schedule.epochs} epochs)', logger='current')
    cfg = build_run_config(exp.data, model, exp.teacher_schedule,
                           exp.teacher_seed, run_dir)
    result = train_and_evaluate(cfg)
    result['checkpoint'] = export_weights(
        result['checkpoint'], osp.join(run_dir, 'teacher_weights.pth'))
    record = RunRecord(pair=None, teacher=model_name, student=None,
                       method='teacher', seed=exp.teacher_seed,
                       epochs=exp.teacher_schedule.epochs, work_dir=run_dir,
                       command=exp.command, **result)
    with open(meta_path, 'w') as f:
        json.dump(asdict(record), f, indent=2)
    return record


def load_results(work_dir: str) -> List[RunRecord]:
    """Rows already in ``WORK_DIR/results.json`` (empty when absent).

    Args:
        work_dir (str): The benchmark work dir.

    Returns:
        list[RunRecord]: The recorded runs.
    """
    path = osp.join(work_dir, RESULTS_FILE)
    if not osp.isfile(path):
        return []
    with open(path) as f:
        return [RunRecord(**row) for row in json.load(f)['runs']]


def save_results(work_dir: str, records: Sequence[RunRecord],
                 settings: dict) -> str:
    """Write ``WORK_DIR/results.json``.

    Args:
        work_dir (str): The benchmark work dir.
        records (Sequence[RunRecord]): All runs so far.
        settings (dict): Benchmark-wide settings, stored beside the runs.

    Returns:
        str: The file path.
    """
    path = osp.join(work_dir, RESULTS_FILE)
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(dict(settings=settings,
                       runs=[asdict(r) for r in records]), f, indent=2)
    os.replace(tmp, path)
    return path


def run_benchmark(exp: Experiment, pairs: Sequence[Union[str, PairSpec]],
                  methods: Sequence[str], seeds: Sequence[int]
                  ) -> List[RunRecord]:
    """Train teachers (once) and every ``(pair, seed, method)`` student.

    Runs already in ``results.json`` with the same budget are skipped, so
    re-running the same command resumes an interrupted benchmark.

    Args:
        exp (Experiment): The benchmark settings.
        pairs (Sequence[str | PairSpec]): Pairs, or keys of
            :data:`~lfcc_mm.bench.zoo.PAIRS`.
        methods (Sequence[str]): Keys of
            :data:`~lfcc_mm.bench.methods.METHODS`.
        seeds (Sequence[int]): Student seeds.

    Returns:
        list[RunRecord]: Teacher rows first, then every student run.
    """
    for name in pairs:
        if not isinstance(name, PairSpec) and name not in PAIRS:
            raise KeyError(f'unknown pair {name!r}; known: {sorted(PAIRS)}')
    pairs = [p if isinstance(p, PairSpec) else PAIRS[p] for p in pairs]
    for name in methods:
        if name not in NEEDS_TEACHER:
            raise KeyError(f'unknown method {name!r}; known: '
                           f'{sorted(NEEDS_TEACHER)}')
    os.makedirs(exp.work_dir, exist_ok=True)
    settings = dict(data=exp.data.name, train=exp.data.train,
                    test=exp.data.test, schedule=asdict(exp.schedule),
                    teacher_schedule=asdict(exp.teacher_schedule),
                    hparams=asdict(exp.hparams), command=exp.command)
    done = {r.key: r for r in load_results(exp.work_dir)
            if r.method == 'teacher' or r.epochs == exp.schedule.epochs}
    records: Dict[tuple, RunRecord] = {}
    need_teacher = any(NEEDS_TEACHER[m] for m in methods)

    def record(row: RunRecord) -> None:
        records[row.key] = row
        save_results(exp.work_dir, list(records.values()), settings)

    for pair in pairs:
        teacher_ckpt = None
        if need_teacher:
            teacher = ensure_teacher(exp, pair.teacher)
            teacher_ckpt = teacher.checkpoint
            record(teacher)
        for seed in seeds:
            for method in methods:
                row_key = (pair.name, pair.teacher, pair.student, method, seed)
                if row_key in done:
                    record(done[row_key])
                    continue
                print_log(f'[bench] {pair.name}: {pair.teacher} -> '
                          f'{pair.student}, {method}, seed {seed}',
                          logger='current')
                run_dir = osp.join(exp.work_dir, 'runs', pair.name, method,
                                   f'seed{seed}')
                model = build_method_model(method, pair,
                                           exp.data.num_classes,
                                           teacher_ckpt, exp.hparams)
                cfg = build_run_config(exp.data, model, exp.schedule, seed,
                                       run_dir)
                result = train_and_evaluate(cfg)
                record(RunRecord(pair=pair.name, teacher=pair.teacher,
                                 student=pair.student, method=method,
                                 seed=seed, epochs=exp.schedule.epochs,
                                 work_dir=run_dir, command=exp.command,
                                 **result))
    return list(records.values())
