"""The benchmark engine: teachers once, then every (pair, method, seed) run.

Both front-ends use it: ``tools/quickstart.py`` (digits, one pair, one seed)
and ``tools/benchmark/kd_bench.py`` (an image folder, several pairs and
seeds). Every run is an mmengine ``Runner`` built from
:func:`~lfcc_mm.bench.config.build_run_config`; each row is merged into
``WORK_DIR/results.json`` (see :mod:`.results`) as soon as it is done, with
the settings and the fingerprint that shaped it, so an interrupted benchmark
resumes where it stopped and a changed setting never reuses a stale row.
Teachers are cached in ``WORK_DIR/teachers/``.
"""
from __future__ import annotations

import gc
import logging
import os
import os.path as osp
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Dict, List, Optional, Sequence, Union

from mmengine.config import Config
from mmengine.logging import print_log

from lfcc_mm.utils.user_errors import UserError, read_json

from .config import Schedule, build_run_config
from .data import DataSpec
from .fingerprint import file_sha256, run_fingerprint, stable_hash
from .methods import NEEDS_TEACHER, MethodHParams, build_method_model
from .results import (RESULTS_FILE, RunRecord, load_results, save_results,
                      write_json_atomic)
from .zoo import MODEL_SPECS, PAIRS, PairSpec

__all__ = ['Experiment', 'RunRecord', 'load_results', 'save_results',
           'run_benchmark', 'settings_of', 'settings_id_of', 'ensure_teacher',
           'train_and_evaluate', 'export_weights', 'check_train_size']


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
        numerics (dict): How the kernels compute (instruction set, threads,
            torch version; see
            :func:`~lfcc_mm.bench.numerics.pin_cpu_numerics`). Part of every
            row's settings and fingerprint. Defaults to empty.
    """

    data: DataSpec
    schedule: Schedule
    teacher_schedule: Schedule
    work_dir: str
    hparams: MethodHParams = MethodHParams()
    command: str = ''
    teacher_seed: int = 0
    numerics: Dict[str, Any] = field(default_factory=dict)


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


def settings_of(exp: Experiment) -> Dict[str, Any]:
    """The benchmark-wide settings that shape every row of ``exp``.

    Data (dataset configs with their roots and subsets, class list,
    normalisation, batch size, workers), student and teacher budgets and
    optimiser, the teacher seed, the methods' hyper-parameters and the
    kernel numerics (instruction set, threads, torch version). Not the work
    dir or the command line. Rows with equal settings share one table.

    Args:
        exp (Experiment): The benchmark settings.

    Returns:
        dict: JSON-serialisable settings.
    """
    def schedule(s: Schedule) -> dict:
        return {k: v for k, v in asdict(s).items() if k != 'log_interval'}

    data = exp.data
    return dict(
        data=dict(name=data.name, train=data.train, test=data.test,
                  classes=list(data.classes) if data.classes else None,
                  mean=data.mean, std=data.std, bgr_to_rgb=data.bgr_to_rgb,
                  batch_size=data.batch_size, num_workers=data.num_workers),
        schedule=schedule(exp.schedule),
        teacher_schedule=schedule(exp.teacher_schedule),
        teacher_seed=exp.teacher_seed, hparams=asdict(exp.hparams),
        numerics=dict(exp.numerics))


def _context(exp: Experiment) -> dict:
    """What shapes a run outside its config: numerics and class list."""
    return dict(numerics=dict(exp.numerics),
                classes=list(exp.data.classes) if exp.data.classes else None)


def _read_teacher_meta(meta_path: str) -> Optional[RunRecord]:
    """The cached teacher record, or None (with a warning) when unusable."""
    try:
        return RunRecord(**read_json(meta_path, 'teacher record'))
    except (UserError, TypeError) as err:
        print_log(f'[bench] ignoring the unreadable teacher record '
                  f'{meta_path} ({err}); training the teacher again',
                  logger='current', level=logging.WARNING)
        return None


def ensure_teacher(exp: Experiment, model_name: str) -> RunRecord:
    """Train ``model_name`` as a teacher once; reuse it when cached.

    The cache lives in ``WORK_DIR/teachers/<model>-<fingerprint>/``, keyed by
    the fingerprint of the teacher's resolved run config (model, data,
    budget, optimiser, seed) and numerics, so a changed setting trains a new
    teacher. A cached teacher is reused only when its weights file still has
    the SHA-256 recorded when it was trained; the rows distilled from it
    record that hash.

    Args:
        exp (Experiment): The benchmark settings.
        model_name (str): Key of :data:`~lfcc_mm.bench.zoo.MODEL_SPECS`.

    Returns:
        RunRecord: The teacher's result (``reused=True`` from the cache),
        with ``fingerprint`` and ``teacher_sha256`` (of its weights) set and
        no settings group yet.
    """
    model = MODEL_SPECS[model_name].classifier(exp.data.num_classes)
    cfg = build_run_config(exp.data, model, exp.teacher_schedule,
                           exp.teacher_seed, work_dir='')
    fingerprint = run_fingerprint(cfg, context=_context(exp))
    run_dir = osp.join(exp.work_dir, 'teachers',
                       f'{model_name}-{fingerprint[:8]}')
    cfg.work_dir = run_dir
    meta_path = osp.join(run_dir, 'teacher.json')
    record = _read_teacher_meta(meta_path) if osp.isfile(meta_path) else None
    if record is not None:
        why = None
        if record.fingerprint != fingerprint:
            why = 'its record is of other settings'
        elif not osp.isfile(record.checkpoint):
            why = f'its weights {record.checkpoint} are missing'
        elif file_sha256(record.checkpoint) != record.teacher_sha256:
            why = f'its weights {record.checkpoint} changed since it was ' \
                  'trained'
        if why is None:
            print_log(f'[bench] reusing teacher {model_name} from {run_dir} '
                      f'(top-1 {record.top1:.2f})', logger='current')
            record.reused = True
            return record
        print_log(f'[bench] not reusing teacher {model_name} in {run_dir}: '
                  f'{why}', logger='current', level=logging.WARNING)
    print_log(f'[bench] training teacher {model_name} '
              f'({exp.teacher_schedule.epochs} epochs)', logger='current')
    result = train_and_evaluate(cfg)
    result['checkpoint'] = export_weights(
        result['checkpoint'], osp.join(run_dir, 'teacher_weights.pth'))
    record = RunRecord(pair=None, teacher=model_name, student=None,
                       method='teacher', seed=exp.teacher_seed,
                       epochs=exp.teacher_schedule.epochs, work_dir=run_dir,
                       command=exp.command, fingerprint=fingerprint,
                       teacher_sha256=file_sha256(result['checkpoint']),
                       **result)
    write_json_atomic(meta_path, asdict(record))
    return record


def check_train_size(data: DataSpec) -> int:
    """Fail early when the training set cannot fill one batch.

    The train loaders drop the incomplete last batch (a batch of one sample
    has no negatives for the contrastive loss), so a training set smaller
    than the batch would train nothing.

    Args:
        data (DataSpec): The benchmark data.

    Returns:
        int: Number of training images.

    Raises:
        UserError: If there are fewer training images than ``batch_size``.
    """
    from mmpretrain.registry import DATASETS
    num = len(DATASETS.build(dict(data.train)))
    if num < data.batch_size:
        raise UserError(
            f'the training set has {num} images, fewer than the batch size '
            f'{data.batch_size}: every batch would be an incomplete last '
            'batch, which is dropped. Lower --batch-size or use more '
            'training images')
    return num

def run_benchmark(exp: Experiment, pairs: Sequence[Union[str, PairSpec]],
                  methods: Sequence[str], seeds: Sequence[int]
                  ) -> List[RunRecord]:
    """Train teachers (once) and every ``(pair, seed, method)`` student.

    Every row is merged into ``results.json`` as soon as it is done; rows of
    other pairs, methods, seeds or settings already in the file are kept. A
    row in the file is reused instead of trained again only when its
    fingerprint (resolved run config, numerics, class list and, for
    distillation, the SHA-256 of the teacher weights) equals the new run's,
    so re-running the same command resumes an interrupted benchmark, a
    changed setting or retrained teacher trains again, and a row that the
    change does not shape (``scratch`` when only a distillation loss weight
    changed) is reused into the new settings group.

    Args:
        exp (Experiment): The benchmark settings.
        pairs (Sequence[str | PairSpec]): Pairs, or keys of
            :data:`~lfcc_mm.bench.zoo.PAIRS`.
        methods (Sequence[str]): Keys of
            :data:`~lfcc_mm.bench.methods.METHODS`.
        seeds (Sequence[int]): Student seeds.

    Returns:
        list[RunRecord]: This command's rows (settings group
        ``settings_id_of(exp)``): teacher rows first of each pair, then its
        students.
    """
    for name in pairs:
        if not isinstance(name, PairSpec) and name not in PAIRS:
            raise UserError(f'unknown pair {name!r}; known: {sorted(PAIRS)}')
    pairs = [p if isinstance(p, PairSpec) else PAIRS[p] for p in pairs]
    for name in methods:
        if name not in NEEDS_TEACHER:
            raise UserError(f'unknown method {name!r}; known: '
                            f'{sorted(NEEDS_TEACHER)}')
    os.makedirs(exp.work_dir, exist_ok=True)
    stored = load_results(exp.work_dir)
    by_identity = {r.identity: r for r in stored}
    by_fingerprint = {(r.key, r.fingerprint): r for r in stored
                      if r.fingerprint}
    check_train_size(exp.data)
    settings = settings_of(exp)
    group = settings_id_of(exp)
    context = _context(exp)
    file_settings = dict(settings, settings_id=group, command=exp.command)
    records: Dict[tuple, RunRecord] = {}
    need_teacher = any(NEEDS_TEACHER[m] for m in methods)

    def record(row: RunRecord) -> None:
        row = replace(row, settings_id=group, settings=settings)
        records[row.key] = row
        save_results(exp.work_dir, [row], file_settings)

    for pair in pairs:
        teacher_ckpt = teacher_sha = None
        if need_teacher:
            teacher = ensure_teacher(exp, pair.teacher)
            teacher_ckpt, teacher_sha = (teacher.checkpoint,
                                         teacher.teacher_sha256)
            record(teacher)
        for seed in seeds:
            for method in methods:
                uses_teacher = NEEDS_TEACHER[method]
                model = build_method_model(method, pair,
                                           exp.data.num_classes,
                                           teacher_ckpt, exp.hparams)
                cfg = build_run_config(exp.data, model, exp.schedule, seed,
                                       work_dir='')
                fingerprint = run_fingerprint(
                    cfg, teacher_sha if uses_teacher else None, context)
                name = (f'{pair.name}: {pair.teacher} -> {pair.student}, '
                        f'{method}, seed {seed}')
                key = (pair.name, pair.teacher, pair.student, method, seed)
                same = by_fingerprint.get((key, fingerprint))
                if same is not None:
                    print_log(f'[bench] {name}: reusing its row '
                              f'(top-1 {same.top1:.2f})', logger='current')
                    record(replace(same, reused=True))
                    continue
                if (group, ) + key in by_identity:
                    print_log(f'[bench] {name}: training again, the row in '
                              f'{RESULTS_FILE} was shaped by other settings '
                              'or another teacher', logger='current',
                              level=logging.WARNING)
                print_log(f'[bench] {name}', logger='current')
                cfg.work_dir = osp.join(exp.work_dir, 'runs', pair.name,
                                        method,
                                        f'seed{seed}-{fingerprint[:8]}')
                result = train_and_evaluate(cfg)
                record(RunRecord(
                    pair=pair.name, teacher=pair.teacher,
                    student=pair.student, method=method, seed=seed,
                    epochs=exp.schedule.epochs, work_dir=cfg.work_dir,
                    command=exp.command, fingerprint=fingerprint,
                    teacher_sha256=teacher_sha if uses_teacher else None,
                    **result))
    return list(records.values())


def settings_id_of(exp: Experiment) -> str:
    """The settings group of ``exp``'s rows (see :func:`settings_of`).

    Args:
        exp (Experiment): The benchmark settings.

    Returns:
        str: 12 hex digits.
    """
    return stable_hash(settings_of(exp), 12)
