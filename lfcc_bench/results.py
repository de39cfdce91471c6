"""``results.json``: every benchmark row, with the settings that shaped it.

Rows are merged, never dropped: a row is identified by its settings group
(:attr:`RunRecord.settings_id`) and ``(pair, teacher, student, method,
seed)``; writing a row replaces only the row with that identity and keeps
every other, whatever command wrote them. The file is re-read before each
write (so rows another process added meanwhile are kept) and replaced
atomically (:mod:`lfcc_mm.fileio`), so a crash leaves the old or the new
file, never a torn one.
"""
from __future__ import annotations

import os.path as osp
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Dict, List, Optional, Sequence, Tuple

from lfcc_mm.errors import UserError, read_json
from lfcc_mm.fileio import write_json_atomic, write_text_atomic  # noqa: F401

RESULTS_FILE = 'results.json'


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
        checkpoint (str): Final checkpoint (teacher weights for teachers).
        command (str): Command line of the benchmark that trained it.
        reused (bool): Loaded from the cache instead of trained now.
        settings_id (str): Hash of :attr:`settings`: rows with the same id
            share one table; ``''`` for rows written before settings were
            recorded (never reused).
        fingerprint (str): Hash of everything that shaped this row (see
            :func:`~lfcc_bench.fingerprint.run_fingerprint`); a row is
            reused only when a new run's fingerprint equals it.
        teacher_sha256 (str, optional): SHA-256 of the teacher weights: of
            this teacher's file for a teacher row, of the teacher it learned
            from for a distillation row.
        settings (dict): The benchmark-wide settings of the run (data,
            budgets, optimiser, method hyper-parameters, kernel numerics).
        config (str): The config file the run trained, relative to the
            repository root (``configs/benchmark/cifar10/...py``); ``''``
            for rows of runs not built from a config file.
        teacher_family (str): Architecture family of the teacher (``CNN``,
            ``ViT``, ``MLP-Mixer``); ``''`` when unknown.
        student_family (str): Same for the student (``''`` for teachers).
        trained (bool): False for a teacher row of weights that were only
            tested here (shipped with the repository), True for a run
            trained by the benchmark.
        reused_from (str): For a row reused from a stored row of another
            method name with the same fingerprint (a method renamed, e.g.
            an ablation that became the default), that method; ``''``
            otherwise. Its ``work_dir`` and logs are that run's.
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
    settings_id: str = ''
    fingerprint: str = ''
    teacher_sha256: Optional[str] = None
    settings: Dict[str, Any] = field(default_factory=dict)
    config: str = ''
    teacher_family: str = ''
    student_family: str = ''
    trained: bool = True
    reused_from: str = ''

    @property
    def key(self) -> tuple:
        """``(pair, teacher, student, method, seed)``: what the run is."""
        return (self.pair, self.teacher, self.student, self.method,
                self.seed)

    @property
    def identity(self) -> tuple:
        """``(settings_id, *key)``: one row per identity in the file."""
        return (self.settings_id, ) + self.key


_FIELDS = tuple(f.name for f in fields(RunRecord))


def _row(path: str, index: int, row: Any) -> RunRecord:
    """One row of the file as a :class:`RunRecord`, or a UserError."""
    if not isinstance(row, dict):
        raise UserError(f'{path}: runs[{index}] is a {type(row).__name__}, '
                        'expected an object')
    unknown = sorted(set(row) - set(_FIELDS))
    missing = [k for k in ('pair', 'teacher', 'student', 'method', 'seed',
                           'top1') if k not in row]
    if unknown or missing:
        raise UserError(
            f'{path}: runs[{index}] has unknown keys {unknown} / lacks keys '
            f'{missing}; it was not written by this version of kd_bench: '
            'move the file away or fix that row')
    defaults = dict(wall_s=0.0, epochs=0, work_dir='', log_dir='',
                    checkpoint='', command='')
    return RunRecord(**dict(defaults, **row))


def read_results_file(path: str) -> Tuple[Dict[str, Any], List[RunRecord]]:
    """The settings and rows of a results file, wherever it lies.

    Args:
        path (str): A ``results.json`` (or a copy of one).

    Returns:
        tuple: ``(settings, rows)``: the latest command's settings (the
        file's ``settings`` object, ``{}`` when absent) and its rows, in
        file order.

    Raises:
        FileNotFoundError: If ``path`` does not exist.
        UserError: If the file is torn or not a results file.
    """
    data = read_json(path, 'results file')
    if not isinstance(data, dict) or not isinstance(data.get('runs'), list):
        raise UserError(f'{path} has no "runs" list: it is not a kd_bench '
                        'results file; move it away or choose another '
                        '--work-dir')
    settings = data.get('settings')
    return (settings if isinstance(settings, dict) else {},
            [_row(path, i, row) for i, row in enumerate(data['runs'])])


def load_results(work_dir: str) -> List[RunRecord]:
    """Rows already in ``WORK_DIR/results.json`` (empty when absent).

    Args:
        work_dir (str): The benchmark work dir.

    Returns:
        list[RunRecord]: The recorded runs, in file order.

    Raises:
        UserError: If the file is torn or not a results file.
    """
    path = osp.join(work_dir, RESULTS_FILE)
    if not osp.isfile(path):
        return []
    return read_results_file(path)[1]


def merge_rows(old: Sequence[RunRecord],
               new: Sequence[RunRecord]) -> List[RunRecord]:
    """``old`` with each row of ``new`` replacing the one of its identity.

    Args:
        old (Sequence[RunRecord]): Rows already stored, in order.
        new (Sequence[RunRecord]): Rows to add or replace.

    Returns:
        list[RunRecord]: Old rows in their order (replaced in place), then
        the new rows of new identities.
    """
    merged: Dict[tuple, RunRecord] = {r.identity: r for r in old}
    for row in new:
        merged[row.identity] = row
    return list(merged.values())


def save_results(work_dir: str, records: Sequence[RunRecord],
                 settings: dict) -> str:
    """Merge ``records`` into ``WORK_DIR/results.json``, atomically.

    Rows already in the file that ``records`` does not replace are kept.

    Args:
        work_dir (str): The benchmark work dir.
        records (Sequence[RunRecord]): Rows to add or replace.
        settings (dict): Settings of the latest command, stored beside the
            rows (each row also carries its own).

    Returns:
        str: The file path.
    """
    path = osp.join(work_dir, RESULTS_FILE)
    rows = merge_rows(load_results(work_dir), records)
    return write_json_atomic(path, dict(settings=settings,
                                        runs=[asdict(r) for r in rows]))
