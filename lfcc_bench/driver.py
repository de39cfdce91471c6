"""The benchmark driver: run the grid of ``configs/benchmark/<dataset>/``.

``tools/benchmark/kd_bench.py`` is its command line. The driver decides
only what is not a method's: the data (which dataset, where it is, how many
training images per class), the seeds, the teacher weights, the work dirs
and, for smoke runs, the number of epochs; everything else is the configs'
(see :mod:`.run_config`). For every pair it

1. gets the teacher: the weights shipped with the repository (the pair
   configs' default ``teacher_ckpt``), tested once on the test split, or a
   teacher trained from its ``teachers/`` config (cached in
   ``WORK_DIR/teachers/``, keyed by its fingerprint);
2. trains every (method, seed) student config with that teacher.

Each run is a process of its own (:mod:`.worker`), ``jobs`` at a time, with
mmengine's logs in its work dir and one progress bar on the console. Rows
go into ``WORK_DIR/results.json`` as each run ends (:mod:`.results`); a row
is reused instead of trained again only when its fingerprint (what the
``Runner`` reads of the resolved config, teacher weights' SHA-256, kernel
numerics, class list) is the new run's.
"""
from __future__ import annotations

import logging
import os
import os.path as osp
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Dict, List, Optional, Sequence, Tuple

from mmengine.logging import print_log

from lfcc_mm.errors import UserError, read_json

from .fingerprint import file_sha256, run_fingerprint, stable_hash
from .progress import read_progress
from .results import RunRecord, load_results, save_results, write_json_atomic
from .run_config import (BenchConfig, class_folders, family_of,
                         find_bench_configs, innermost_dataset,
                         load_bench_config)
from .worker import JOB_FILE, RESULT_FILE
from .worker_process import (lock_run_dir, start_locked_worker,
                             stop_workers)

#: Repository root: configs are recorded relative to it.
REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
#: ``--teachers`` choices.
TEACHER_SOURCES = ('auto', 'train')
#: Seconds between two looks at the running workers (none is waited for
#: when one has just ended).
POLL_S = 0.5


@dataclass(frozen=True)
class DataChoice:
    """Which data every run reads.

    Args:
        dataset (str, optional): ``'folder'``, ``'cifar10'`` or
            ``'cifar100'`` (a ``_base_/datasets`` file of the grid swapped
            in); None keeps the configs' own data.
        data_root (str, optional): CIFAR root (both splits).
        train_root (str, optional): Folder dataset: training folder.
        test_root (str, optional): Folder dataset: test folder.
    """

    dataset: Optional[str] = None
    data_root: Optional[str] = None
    train_root: Optional[str] = None
    test_root: Optional[str] = None

    def load_kwargs(self) -> Dict[str, Any]:
        """The data arguments of ``load_bench_config``."""
        return dict(dataset=self.dataset, data_root=self.data_root,
                    train_root=self.train_root, test_root=self.test_root)


@dataclass(frozen=True)
class BenchOptions:
    """Everything one benchmark command decides.

    Args:
        bench_dir (str): The config grid, e.g. ``configs/benchmark/cifar10``.
        work_dir (str): Root of all outputs.
        data (DataChoice): The data.
        pairs (list[tuple[str, str]]): ``(teacher, student)`` pairs.
        methods (list[str]): Methods, as in the config names.
        seeds (list[int]): Student seeds.
        train_per_class (int, optional): Student training images per class;
            None keeps the configs' own.
        teacher_train_per_class (int, optional): Same for teachers trained
            here (None: the teacher configs' own, all images).
        epochs (int, optional): Student epochs; None: the configs' own.
        teacher_epochs (int, optional): Teacher epochs; None: the configs'.
        teachers (str): ``'auto'``: the shipped weights where the pair
            configs' ``teacher_ckpt`` file exists and the data has the
            configs' classes (CIFAR-10, as folders or mmpretrain's), else
            train; ``'train'``: always train.
        jobs (int): Runs at once.
        threads (int): Torch threads per run.
        cpu_isa (str): Kernel instruction set (see :mod:`.numerics`).
        device (str): ``'cpu'`` or ``'cuda'`` (one GPU per job).
        verbose (bool): mmengine's logs on the console too.
        cfg_options (dict, optional): Merged into every run's config last.
        command (str): The command line, recorded with every row.
    """

    bench_dir: str
    work_dir: str
    data: DataChoice
    pairs: List[Tuple[str, str]]
    methods: List[str]
    seeds: List[int]
    train_per_class: Optional[int] = None
    teacher_train_per_class: Optional[int] = None
    epochs: Optional[int] = None
    teacher_epochs: Optional[int] = None
    teachers: str = 'auto'
    jobs: int = 1
    threads: int = 1
    cpu_isa: str = 'avx2'
    device: str = 'cpu'
    verbose: bool = False
    cfg_options: Optional[Dict[str, Any]] = None
    command: str = ''


@dataclass
class Job:
    """One run to do: what the worker needs and the row it will make.

    Args:
        label (str): Shown on its progress bar and in messages.
        mode (str): ``'train'`` or ``'test'``.
        spec (dict): The worker's job (see :mod:`.worker`).
        row (dict): :class:`RunRecord` fields known before the run.
        on_done (callable, optional): Called with the finished row; returns
            the row to record.
    """

    label: str
    mode: str
    spec: Dict[str, Any]
    row: Dict[str, Any]
    on_done: Any = None


def project_path(path: str) -> str:
    """A recorded path: relative ones are relative to the repository root.

    Shipped weights and committed rows name files such as
    ``checkpoints/benchmark/cifar10/vit-s_cifar10.pth``; they resolve the
    same from any working directory.
    """
    return path if osp.isabs(path) else osp.join(REPO_ROOT, path)


def repo_relative(path: str) -> str:
    """``path`` relative to the repository root when inside it."""
    full = osp.abspath(path)
    rel = osp.relpath(full, REPO_ROOT)
    return full if rel.startswith('..') else rel


def class_context(cfg: Any) -> Dict[str, Any]:
    """What the data contributes to a run outside its config.

    For a folder dataset, the class folders found on disk (a renamed or
    added class changes every label); for CIFAR, the dataset type (its
    classes are fixed).
    """
    dataset = innermost_dataset(cfg.train_dataloader.dataset)
    kind = dataset.type.split('.')[-1]
    if kind in ('CIFAR10', 'CIFAR100'):
        return dict(dataset=kind)
    root = dataset.get('data_root')
    if kind != 'FolderSubsetDataset' or not root:
        return dict(dataset=kind)
    classes = class_folders(root)
    test_root = innermost_dataset(cfg.val_dataloader.dataset).get(
        'data_root')
    if test_root and osp.isdir(test_root) and osp.isdir(root):
        test_classes = class_folders(test_root)
        if test_classes != classes:
            raise UserError(
                f'the training folder {root} and the test folder {test_root} '
                'must hold the same class folders; only in train: '
                f'{sorted(set(classes) - set(test_classes))}, only in test: '
                f'{sorted(set(test_classes) - set(classes))}')
    return dict(dataset=kind, classes=classes)



class Benchmark:
    """Plans and runs one benchmark command (see the module docstring).

    Args:
        opts (BenchOptions): The command's choices.
        numerics (dict): From
            :func:`~lfcc_bench.numerics.pin_cpu_numerics` in this process
            (workers pin the same and record it).
    """

    def __init__(self, opts: BenchOptions, numerics: Dict[str, Any]) -> None:
        self.opts = opts
        self.numerics = dict(numerics)
        self.grid = self._grid()
        self.settings = self._settings()
        self.settings_id = stable_hash(self.settings, 12)
        stored = load_results(opts.work_dir)
        self.by_fingerprint = {(r.key, r.fingerprint): r for r in stored
                               if r.fingerprint}
        # the same run stored under another method name (a renamed method)
        self.by_run = {(r.pair, r.teacher, r.student, r.seed, r.fingerprint):
                       r for r in stored if r.fingerprint and r.student}
        self.rows: Dict[tuple, RunRecord] = {}
        self.reused = 0
        self._train_sizes: Dict[str, int] = {}
        self._families: Dict[str, str] = {}

    # ------------------------------------------------------------ planning
    def _grid(self) -> Dict[Tuple[str, str, Optional[str]], BenchConfig]:
        """The configs of the bench dir by ``(method, teacher, student)``."""
        grid = {}
        for found in find_bench_configs(self.opts.bench_dir):
            grid[(found.method, found.teacher, found.student)] = found
        pairs = sorted({(t, s) for m, t, s in grid if s is not None})
        methods = sorted({m for m, _, s in grid if s is not None})
        for teacher, student in self.opts.pairs:
            if (teacher, student) not in pairs:
                raise UserError(
                    f'pair {teacher}_{student} has no configs in '
                    f'{self.opts.bench_dir}; pairs there: '
                    f'{[f"{t}_{s}" for t, s in pairs]}')
            if ('teacher', teacher, None) not in grid:
                raise UserError(f'{self.opts.bench_dir}/teachers/ has no '
                                f'config for the teacher {teacher}')
        for method in self.opts.methods:
            if method not in methods:
                raise UserError(f'method {method!r} has no configs in '
                                f'{self.opts.bench_dir}; methods there: '
                                f'{methods}')
        return grid

    def _settings(self) -> Dict[str, Any]:
        """The command-wide settings every row of this command shares.

        Not the pairs, methods or seeds: a later command that adds some
        joins the same table.
        """
        o = self.opts
        return dict(bench_dir=repo_relative(o.bench_dir),
                    data=asdict(o.data), train_per_class=o.train_per_class,
                    teacher_train_per_class=o.teacher_train_per_class,
                    epochs=o.epochs, teacher_epochs=o.teacher_epochs,
                    teachers=o.teachers, cfg_options=o.cfg_options,
                    numerics=self.numerics)

    def _load_kwargs(self, seed: int, teacher: bool,
                     teacher_ckpt: Optional[str] = None) -> Dict[str, Any]:
        """``load_bench_config`` arguments of one run."""
        o = self.opts
        kwargs = dict(o.data.load_kwargs(), seed=seed,
                      cfg_options=o.cfg_options)
        per_class = o.teacher_train_per_class if teacher \
            else o.train_per_class
        if per_class is not None:
            kwargs['train_per_class'] = per_class
        epochs = o.teacher_epochs if teacher else o.epochs
        if epochs is not None:
            kwargs['epochs'] = epochs
        if teacher_ckpt is not None:
            kwargs['teacher_ckpt'] = teacher_ckpt
        return kwargs

    def _job(self, label: str, mode: str, found: BenchConfig,
             load: Dict[str, Any], work_root: str,
             teacher_sha256: Optional[str] = None,
             load_from: Optional[str] = None) -> Tuple[Job, Any]:
        """Resolve a config, fingerprint it and describe its run."""
        cfg = load_bench_config(found.path, '', **load)
        context = dict(numerics=self.numerics, data=class_context(cfg))
        self._check_train_size(cfg, found)
        run_fp = run_fingerprint(cfg, None if load_from else teacher_sha256,
                                 context)
        fingerprint = run_fp
        if load_from is not None:  # the tested weights shape the result
            fingerprint = stable_hash(dict(run=run_fp,
                                           weights=teacher_sha256), 16)
        work_dir = osp.join(work_root, f'{found.method}-{fingerprint[:8]}')
        if found.student is not None:
            work_dir = osp.join(work_root, f'seed{load["seed"]}-'
                                f'{fingerprint[:8]}')
        spec = dict(mode=mode, config=found.path, load=load,
                    work_dir=osp.abspath(work_dir), threads=self.opts.threads,
                    cpu_isa=self.opts.cpu_isa, load_from=load_from,
                    teacher_sha256=None if load_from else teacher_sha256,
                    context=context, fingerprint=run_fp)
        model = cfg.model
        student_model = model.get('architecture', model)
        row = dict(
            pair=None if found.student is None
            else f'{found.teacher}_{found.student}',
            teacher=found.teacher, student=found.student,
            method=found.method, seed=load['seed'],
            epochs=cfg.train_cfg.max_epochs, work_dir=work_dir,
            command=self.opts.command, fingerprint=fingerprint,
            teacher_sha256=teacher_sha256, config=repo_relative(found.path),
            teacher_family=self._teacher_family(found.teacher),
            student_family='' if found.student is None
            else family_of(student_model), trained=mode == 'train')
        return Job(label, mode, spec, row), cfg

    def _check_train_size(self, cfg: Any, found: BenchConfig) -> None:
        """Fail before any run when a training set cannot fill one batch.

        Train loaders drop the incomplete last batch (contrastive losses
        need the batch as negatives), so such a run would train nothing.
        """
        from .run_config import build_dataset
        dataset = innermost_dataset(cfg.train_dataloader.dataset)
        key = stable_hash(dataset.to_dict(), 16)
        if key not in self._train_sizes:
            self._train_sizes[key] = len(build_dataset(dataset))
        size, batch = self._train_sizes[key], cfg.train_dataloader.batch_size
        if size < batch:
            raise UserError(
                f'{found.path}: the training set has {size} images, fewer '
                f'than the batch size {batch}, so every batch would be the '
                'dropped incomplete last one; use more images per class '
                '(--train-per-class / --teacher-train-per-class) or more '
                'classes')

    def _teacher_family(self, teacher: str) -> str:
        """The family of ``teacher``, read from its teacher config."""
        from mmengine.config import Config
        if teacher not in self._families:
            found = self.grid[('teacher', teacher, None)]
            self._families[teacher] = family_of(
                Config.fromfile(found.path).model)
        return self._families[teacher]

    # ------------------------------------------------------------ teachers
    def _shipped_teacher(self, teacher: str, cfg: Any) -> Optional[str]:
        """The shipped weights of ``teacher``, when they apply here.

        They apply under ``--teachers auto`` when the pair configs'
        default ``teacher_ckpt`` file exists and the teacher run ``cfg``
        keeps the teacher config's classes (the shipped weights are
        CIFAR-10's; another dataset or class list trains a teacher).
        """
        from mmengine.config import Config
        if self.opts.teachers != 'auto':
            return None
        own = Config.fromfile(self.grid[('teacher', teacher, None)].path)
        if cfg.model.head.num_classes != own.model.head.num_classes or \
                self.opts.data.dataset not in (None, 'folder', 'cifar10'):
            return None
        for (method, t, student), found in self.grid.items():
            if t == teacher and student is not None and method != 'scratch':
                ckpt = Config.fromfile(found.path).model.get('teacher_ckpt')
                # configs name it relative to themselves ({{ fileDirname }});
                # rows and the metafile keep the repository-relative path
                return repo_relative(ckpt) if ckpt and osp.isfile(ckpt) \
                    else None
        return None

    def teacher_jobs(self, teachers: Sequence[str]) -> List[Job]:
        """Jobs that give each teacher's weights and test top-1.

        A teacher already known (a cached training, or shipped weights
        tested before) gives its row at once and no job.
        """
        jobs = []
        for teacher in teachers:
            found = self.grid[('teacher', teacher, None)]
            work_root = osp.join(self.opts.work_dir, 'teachers', teacher)
            job, cfg = self._job(f'teacher {teacher}', 'train', found,
                                 self._load_kwargs(0, True), work_root)
            job.on_done = self._export_teacher
            shipped = self._shipped_teacher(teacher, cfg)
            if shipped is not None:
                sha = file_sha256(project_path(shipped))
                job, _ = self._job(f'teacher {teacher} (shipped weights)',
                                   'test', found, self._load_kwargs(0, True),
                                   work_root, teacher_sha256=sha,
                                   load_from=shipped)
                job.spec['load_from'] = project_path(shipped)
                job.row['teacher_sha256'] = sha
            if not self._reuse(job):
                jobs.append(job)
        return jobs

    @staticmethod
    def _export_teacher(row: RunRecord) -> RunRecord:
        """Keep only the trained teacher's weights; record their hash."""
        from lfcc_mm.checkpoint import (load_checkpoint_file, save_atomic,
                                        state_dict_of)
        out = osp.join(row.work_dir, 'teacher_weights.pth')
        state = state_dict_of(load_checkpoint_file(row.checkpoint),
                              f'checkpoint {row.checkpoint!r}')
        save_atomic(state, out)
        return replace(row, checkpoint=out, teacher_sha256=file_sha256(out))

    def _teacher_weights(self, teacher: str) -> Tuple[str, str]:
        """``(path, sha256)`` of a teacher whose row is recorded."""
        row = self.rows[(None, teacher, None, 'teacher', 0)]
        path = project_path(row.checkpoint)
        if not osp.isfile(path) or file_sha256(path) != row.teacher_sha256:
            raise UserError(
                f'teacher {teacher}: its weights {row.checkpoint} are missing '
                'or changed since its row was recorded; remove its row from '
                f'{self.opts.work_dir}/results.json to train it again')
        return row.checkpoint, row.teacher_sha256

    # ------------------------------------------------------------ students
    def student_jobs(self) -> List[Job]:
        """Every (pair, seed, method) job not already in results.json."""
        jobs = []
        for teacher, student in self.opts.pairs:
            ckpt = sha = None
            if any(m != 'scratch' for m in self.opts.methods):
                ckpt, sha = self._teacher_weights(teacher)
            for seed in self.opts.seeds:
                for method in self.opts.methods:
                    found = self.grid[(method, teacher, student)]
                    distill = method != 'scratch'
                    load = self._load_kwargs(
                        seed, False, osp.abspath(ckpt) if distill else None)
                    work_root = osp.join(self.opts.work_dir, 'runs',
                                         f'{teacher}_{student}', method)
                    job, _ = self._job(
                        f'{method} {teacher}->{student} seed {seed}', 'train',
                        found, load, work_root,
                        teacher_sha256=sha if distill else None)
                    if not self._reuse(job):
                        jobs.append(job)
        return jobs

    # ------------------------------------------------------------ running
    def _record(self, row: RunRecord) -> None:
        """Add a row to this command's and to results.json."""
        row = replace(row, settings_id=self.settings_id,
                      settings=self.settings)
        self.rows[row.key] = row
        save_results(self.opts.work_dir, [row],
                     dict(self.settings, settings_id=self.settings_id,
                          command=self.opts.command))

    def _reuse(self, job: Job) -> bool:
        """Record the stored row of the same fingerprint, if there is one."""
        key = (job.row['pair'], job.row['teacher'], job.row['student'],
               job.row['method'], job.row['seed'])
        same = self.by_fingerprint.get((key, job.row['fingerprint']))
        if same is None and job.row['student'] is not None:
            # A method renamed (e.g. an ablation that is now the default):
            # the fingerprint covers everything that shaped the run, so a
            # row of another method with the same one is this very run.
            other = self.by_run.get(key[:3] + (key[4], job.row['fingerprint']))
            if other is not None:
                same = replace(other, method=job.row['method'],
                               config=job.row['config'],
                               reused_from=other.reused_from or other.method)
        if same is None:
            return False
        if same.method == 'teacher' and same.checkpoint and (
                not osp.isfile(project_path(same.checkpoint))
                or file_sha256(project_path(same.checkpoint))
                != same.teacher_sha256):
            print_log(f'[bench] {job.label}: its weights {same.checkpoint} '
                      'are missing or changed; running it again',
                      logger='current', level=logging.WARNING)
            return False
        self.reused += 1
        self._record(replace(same, reused=True, command=self.opts.command))
        return True

    def run_jobs(self, jobs: Sequence[Job]) -> None:
        """Run ``jobs``, ``opts.jobs`` at a time; record each row at once.

        A failed run stops new launches; the running ones finish and are
        recorded, then a UserError names the failed run and its log.
        """
        if not jobs:
            return
        from tqdm import tqdm
        pending = list(jobs)
        running: Dict[int, Tuple[Job, subprocess.Popen, Any, Any]] = {}
        failed: List[Tuple[Job, str]] = []
        overall = tqdm(total=len(jobs), desc='runs', position=0,
                       dynamic_ncols=True, disable=None)
        free_slots = list(range(self.opts.jobs))
        try:
            self._run_slots(pending, running, failed, overall, free_slots)
        finally:  # an error or Ctrl-C here: no worker trains on unseen
            stop_workers(proc for _, proc, _, _ in running.values())
        overall.close()
        if failed:
            job, error = failed[0]
            raise UserError(
                f'run "{job.label}" failed: {error}; the rows of finished '
                f'runs are in {self.opts.work_dir}/results.json, and '
                're-running the same command resumes')

    def _run_slots(self, pending: List[Job], running: Dict[int, Any],
                   failed: List[Tuple[Job, str]], overall: Any,
                   free_slots: List[int]) -> None:
        """The launch-and-poll loop of :meth:`run_jobs`."""
        from tqdm import tqdm
        while pending or running:
            while pending and free_slots and not failed:
                slot = free_slots.pop(0)
                job = pending.pop(0)
                proc, log = self._launch(job, slot)
                bar = tqdm(total=1, desc=job.label, position=1 + slot,
                           leave=False, dynamic_ncols=True, disable=None)
                running[slot] = (job, proc, log, bar)
            ended = False
            for slot, (job, proc, log, bar) in list(running.items()):
                progress = read_progress(job.spec['work_dir'])
                if progress is not None:
                    bar.total = progress[1]
                    bar.n = progress[0]
                    bar.refresh()
                if proc.poll() is None:
                    continue
                ended = True
                if log is not None:
                    log.close()
                bar.close()
                del running[slot]
                free_slots.append(slot)
                free_slots.sort()
                overall.update(1)
                error = self._finish(job, proc.returncode)
                if error is not None:
                    failed.append((job, error))
                    tqdm.write(f'[bench] FAILED {job.label}: {error}')
            if running and not ended:  # look again in a moment
                time.sleep(POLL_S)

    def _launch(self, job: Job, slot: int) -> Tuple[subprocess.Popen, Any]:
        """Start the worker of ``job`` on ``slot``.

        The run dir is locked first (a worker of an earlier command still
        running there is an error, before anything in it is touched); the
        worker holds the lock and dies with this process
        (:mod:`.worker_process`).
        """
        work_dir = job.spec['work_dir']
        lock_fd = lock_run_dir(work_dir)
        try:
            for name in (RESULT_FILE, 'progress.json'):
                if osp.exists(osp.join(work_dir, name)):
                    os.remove(osp.join(work_dir, name))
            job_file = write_json_atomic(osp.join(work_dir, JOB_FILE),
                                         job.spec)
        except BaseException:
            os.close(lock_fd)
            raise
        env = dict(os.environ)
        if self.opts.device == 'cuda':
            env['CUDA_VISIBLE_DEVICES'] = str(slot)
        else:
            env['CUDA_VISIBLE_DEVICES'] = ''
        env['PYTHONPATH'] = os.pathsep.join(
            [REPO_ROOT] + [p for p in env.get('PYTHONPATH', '').split(
                os.pathsep) if p])
        log = None
        out = None
        if not self.opts.verbose:
            log = open(osp.join(work_dir, 'console.log'), 'w')
            out = log
        proc = start_locked_worker(
            [sys.executable, '-m', 'lfcc_bench.worker', job_file], lock_fd,
            env=env, stdout=out, cwd=os.getcwd())
        return proc, log

    def _finish(self, job: Job, returncode: int) -> Optional[str]:
        """Record a finished job's row; the error text when it failed."""
        from tqdm import tqdm
        result_file = osp.join(job.spec['work_dir'], RESULT_FILE)
        if returncode != 0 or not osp.isfile(result_file):
            log = osp.join(job.spec['work_dir'], 'console.log')
            tail = ''
            if osp.isfile(log):
                with open(log, errors='replace') as f:
                    lines = [ln.strip() for ln in f if ln.strip()]
                tail = f' (last line: {lines[-1]!r})' if lines else ''
            return f'exit code {returncode}, log {log}{tail}'
        result = read_json(result_file, 'run result')
        result.pop('fingerprint', None)
        if job.mode == 'test':  # shipped weights: recorded repo-relative
            result['checkpoint'] = repo_relative(result['checkpoint'])
        row = RunRecord(**dict(job.row, **result))
        if job.on_done is not None:
            row = job.on_done(row)
        self._record(row)
        tqdm.write(f'[bench] {job.label}: top-1 {row.top1:.2f} '
                   f'({row.wall_s:.0f} s)')
        return None

    def run(self) -> List[RunRecord]:
        """Teachers, then students; returns this command's rows."""
        os.makedirs(self.opts.work_dir, exist_ok=True)
        teachers = list(dict.fromkeys(t for t, _ in self.opts.pairs))
        self.run_jobs(self.teacher_jobs(teachers))
        self.run_jobs(self.student_jobs())
        return list(self.rows.values())
