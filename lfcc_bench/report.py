"""Turn benchmark results into a model-zoo table and PNG plots.

Rows of different settings (see :attr:`RunRecord.settings_id`) are never
mixed: ``results.md`` has one table per settings group, the current
command's first, each under a heading that says how its settings differ
from the current ones, and flags the pairs whose teacher is too weak to
teach (:func:`weak_teachers`); the plots show the current group only.
Everything comes from the rows themselves (models, families, methods,
configs); a method legend is added when the benchmark's config folder is
given (:func:`method_legend`).
"""
from __future__ import annotations

import ast
import glob
import json
import math
import os.path as osp
import shlex
import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from .results import RunRecord

#: A teacher must beat its pair's mean scratch top-1 by this many points.
TEACHER_MARGIN = 5.0


@dataclass
class SummaryRow:
    """Top-1 of one (pair, method) over its seeds.

    Args:
        pair (str): Pair name (``None`` for a teacher row).
        teacher (str): Teacher model name.
        student (str): Student model name (``None`` for a teacher row).
        method (str): Method name.
        mean (float): Mean top-1 (%).
        std (float): Sample standard deviation (0 for one seed).
        n (int): Number of seeds.
        delta (float, optional): ``mean - mean(scratch)`` of the same pair.
        wall_s (float): Mean wall time per run (s).
        teacher_family (str): Teacher family (``''`` when unknown).
        student_family (str): Student family (``''`` when unknown or for a
            teacher row).
        config (str): Repo-relative config of the runs (``''`` when the
            rows carry none).
    """

    pair: Optional[str]
    teacher: str
    student: Optional[str]
    method: str
    mean: float
    std: float
    n: int
    delta: Optional[float]
    wall_s: float
    teacher_family: str = ''
    student_family: str = ''
    config: str = ''


def summary_key(record: RunRecord) -> tuple:
    """``(pair, teacher, student, method)`` of the summary row of a run
    (``(None, teacher, None, 'teacher')`` for a teacher run).

    Args:
        record (RunRecord): A row of ``results.json``.

    Returns:
        tuple: The key its seeds are averaged under.
    """
    if record.method == 'teacher':
        return (None, record.teacher, None, 'teacher')
    return (record.pair, record.teacher, record.student, record.method)


def summarize(records: Sequence[RunRecord]) -> List[SummaryRow]:
    """Aggregate runs over seeds, in the order first seen.

    Args:
        records (Sequence[RunRecord]): Rows of ``results.json`` (of one
            settings group: rows of different settings must not be mixed).

    Returns:
        list[SummaryRow]: One row per teacher and per (pair, method), in the
        order first seen; families and config from the first run.
    """
    groups: Dict[tuple, List[RunRecord]] = defaultdict(list)
    for r in records:
        groups[summary_key(r)].append(r)
    rows = []
    for (pair, teacher, student, method), runs in groups.items():
        accs = [r.top1 for r in runs]
        rows.append(SummaryRow(
            pair=pair, teacher=teacher, student=student, method=method,
            mean=statistics.fmean(accs),
            std=statistics.stdev(accs) if len(accs) > 1 else 0.0,
            n=len(accs), delta=None,
            wall_s=statistics.fmean(r.wall_s for r in runs),
            teacher_family=runs[0].teacher_family,
            student_family=runs[0].student_family, config=runs[0].config))
    scratch = {r.pair: r.mean for r in rows if r.method == 'scratch'}
    for r in rows:
        if r.method not in ('teacher', 'scratch') and r.pair in scratch:
            r.delta = r.mean - scratch[r.pair]
    return rows


def model_label(name: Optional[str], family: str) -> str:
    """``name (family)`` for tables; ``name`` when the family is unknown.

    Args:
        name (str, optional): Model name (``None``: no model).
        family (str): Its family, ``''`` when unknown.

    Returns:
        str: e.g. ``'vit-s (ViT)'``; ``'—'`` for ``None``.
    """
    if name is None:
        return '—'
    return f'{name} ({family})' if family else name


def top1_text(row: SummaryRow) -> str:
    """``mean ± std`` over seeds (``mean`` alone for one seed), 2 decimals."""
    return f'{row.mean:.2f} ± {row.std:.2f}' if row.n > 1 \
        else f'{row.mean:.2f}'


def delta_text(row: SummaryRow) -> str:
    """Signed Δ vs. scratch, ``'—'`` where there is none."""
    return '—' if row.delta is None else f'{row.delta:+.2f}'


def markdown_table(rows: Sequence[SummaryRow]) -> str:
    """Model-zoo table: Teacher | Student | Method | Top-1 | Δ vs scratch.

    Models are shown as ``name (family)``, methods by their name (the same
    in configs, results and tables).

    Args:
        rows (Sequence[SummaryRow]): From :func:`summarize`.

    Returns:
        str: GitHub Markdown, one line per row, ending with a newline.
    """
    lines = ['| Teacher | Student | Method | Top-1 (%) | Δ vs scratch | '
             'Seeds | Time / run (s) |',
             '|---|---|---|---|---|---|---|']
    for r in rows:
        student = '— (teacher itself)' if r.method == 'teacher' \
            else model_label(r.student, r.student_family)
        lines.append(f'| {model_label(r.teacher, r.teacher_family)} | '
                     f'{student} | {r.method} | {top1_text(r)} | '
                     f'{delta_text(r)} | {r.n} | {r.wall_s:.0f} |')
    return '\n'.join(lines) + '\n'


@dataclass
class WeakTeacher:
    """A pair whose teacher does not beat its scratch student by a margin.

    Args:
        pair (str): Pair name.
        teacher (str): Teacher model name.
        teacher_top1 (float): Teacher top-1 (%, mean over its rows).
        scratch_top1 (float): Mean scratch top-1 (%) of the pair.
        margin (float): Required lead of the teacher (points).
    """

    pair: str
    teacher: str
    teacher_top1: float
    scratch_top1: float
    margin: float = TEACHER_MARGIN

    def __str__(self) -> str:
        """e.g. ``⚠ vit-s_res18-w16: teacher vit-s 41.20 < scratch 39.10
        + 5``."""
        return (f'⚠ {self.pair}: teacher {self.teacher} '
                f'{self.teacher_top1:.2f} < scratch {self.scratch_top1:.2f} '
                f'+ {self.margin:g}')


def weak_teachers(rows: Sequence[SummaryRow],
                  margin: float = TEACHER_MARGIN) -> List[WeakTeacher]:
    """Pairs whose teacher top-1 < mean scratch top-1 of the pair + margin.

    A pair without a teacher row or without scratch rows is not checked.

    Args:
        rows (Sequence[SummaryRow]): From :func:`summarize`, one settings
            group.
        margin (float): Points the teacher must lead by. Defaults to
            :data:`TEACHER_MARGIN`.

    Returns:
        list[WeakTeacher]: In the pairs' order (empty when all are fine);
        ``str()`` of each is the flagged line of the reports.
    """
    teachers = {r.teacher: r.mean for r in rows if r.method == 'teacher'}
    weak = []
    for r in rows:
        if r.method == 'scratch' and r.teacher in teachers \
                and teachers[r.teacher] < r.mean + margin:
            weak.append(WeakTeacher(r.pair, r.teacher, teachers[r.teacher],
                                    r.mean, margin))
    return weak


def teacher_check_markdown(weak: Sequence[WeakTeacher]) -> str:
    """The flagged lines under a table, one list item per weak teacher.

    Args:
        weak (Sequence[WeakTeacher]): From :func:`weak_teachers`.

    Returns:
        str: Markdown ending with a newline; ``''`` when ``weak`` is empty.
    """
    if not weak:
        return ''
    return ''.join(
        f'- {w}: the teacher should lead its scratch students by '
        f'{w.margin:g} points, or distilling it says little\n' for w in weak)


def method_legend(bench_dir: Optional[str]) -> Dict[str, str]:
    """First docstring line of each ``_base_/methods/{method}.py``.

    Args:
        bench_dir (str, optional): The benchmark's config folder, e.g.
            ``configs/benchmark/cifar10``; ``None`` or a folder without
            method files gives an empty legend.

    Returns:
        dict: ``method -> first line`` (e.g. ``'lfcc' -> 'lfcc:
        cross-entropy + LFCC on the two taps (no logit KD).'``), sorted by
        method; files without a docstring are left out.
    """
    if not bench_dir:
        return {}
    legend = {}
    for path in sorted(glob.glob(osp.join(bench_dir, '_base_', 'methods',
                                          '*.py'))):
        with open(path, encoding='utf-8') as f:
            doc = ast.get_docstring(ast.parse(f.read(), path))
        if doc and doc.strip():
            legend[osp.splitext(osp.basename(path))[0]] = \
                doc.strip().splitlines()[0].strip()
    return legend


def legend_markdown(legend: Mapping[str, str],
                    methods: Sequence[str]) -> str:
    """``Methods:`` and one list item per method of ``methods`` in the
    legend (the docstring's own ``name:`` prefix shown as code).

    Args:
        legend (Mapping[str, str]): From :func:`method_legend`.
        methods (Sequence[str]): Methods to explain, in table order.

    Returns:
        str: Markdown ending with a newline; ``''`` when none is known.
    """
    items = []
    for method in methods:
        line = legend.get(method)
        if line is None:
            continue
        rest = line[len(method):] if line.startswith(method) else ': ' + line
        items.append(f'- `{method}`{rest}\n')
    return 'Methods:\n\n' + ''.join(items) if items else ''


def _pyplot() -> Any:
    """``matplotlib.pyplot`` on the file-only ``Agg`` backend."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    return plt


def _panel_grid(num_panels: int, panel_width: float, panel_height: float,
                max_cols: int = 2) -> Tuple[Any, List[Any]]:
    """A figure with one panel per pair, ``max_cols`` panels per row.

    Args:
        num_panels (int): Panels wanted (at least one is made).
        panel_width (float): Width of one panel (inches).
        panel_height (float): Height of one panel (inches).
        max_cols (int): Panels per row. Defaults to 2.

    Returns:
        tuple: ``(figure, axes)``, ``axes`` a flat list of ``num_panels``
        axes (unused ones of the last row are hidden).
    """
    plt = _pyplot()
    num_panels = max(num_panels, 1)
    cols = min(num_panels, max_cols)
    rows = math.ceil(num_panels / cols)
    fig, axes = plt.subplots(rows, cols, squeeze=False,
                             figsize=(panel_width * cols,
                                      panel_height * rows))
    flat = [ax for row in axes for ax in row]
    for ax in flat[num_panels:]:
        ax.set_visible(False)
    return fig, flat[:num_panels]


def _method_colors(methods: Sequence[str]) -> Dict[str, Any]:
    """One distinct colour per method (``tab20`` beyond 10 methods)."""
    import matplotlib
    cmap = matplotlib.colormaps['tab10' if len(methods) <= 10 else 'tab20']
    return {m: cmap(i % cmap.N) for i, m in enumerate(methods)}


def plot_top1(rows: Sequence[SummaryRow], out_file: str,
              smoke: bool = False) -> str:
    """Top-1 per method, one panel per pair, std over seeds as error bars.

    Each panel has the pair's methods along x (mean ± std over seeds), the
    teacher's top-1 as a dashed line and the scratch mean as a dotted one,
    so any number of methods and pairs stays readable.

    Args:
        rows (Sequence[SummaryRow]): From :func:`summarize`.
        out_file (str): PNG path.
        smoke (bool): Say in the title that the rows are a ``--quick``
            smoke test. Defaults to False.

    Returns:
        str: ``out_file``.
    """
    plt = _pyplot()
    students = [r for r in rows if r.method != 'teacher']
    pairs = list(dict.fromkeys(r.pair for r in students))
    methods = list(dict.fromkeys(r.method for r in students))
    colors = _method_colors(methods)
    teachers = {r.teacher: r.mean for r in rows if r.method == 'teacher'}
    fig, axes = _panel_grid(len(pairs), 1.6 + 0.42 * len(methods), 3.8)
    for ax, pair in zip(axes, pairs):
        mine = [r for r in students if r.pair == pair]
        for x, r in enumerate(mine):
            ax.errorbar(x, r.mean, yerr=r.std, fmt='o', capsize=3,
                        color=colors[r.method])
        first = mine[0]
        if first.teacher in teachers:
            ax.axhline(teachers[first.teacher], color='k', ls='--', lw=1,
                       label=f'teacher {teachers[first.teacher]:.1f}')
        scratch = [r.mean for r in mine if r.method == 'scratch']
        if scratch:
            ax.axhline(scratch[0], color='grey', ls=':', lw=1,
                       label='scratch')
        ax.set_xticks(range(len(mine)))
        ax.set_xticklabels([r.method for r in mine], rotation=60,
                           ha='right', fontsize=8)
        ax.set_title(
            f'{model_label(first.teacher, first.teacher_family)} → '
            f'{model_label(first.student, first.student_family)}',
            fontsize=9)
        ax.set_ylabel('top-1 (%)')
        ax.grid(axis='y', alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7, loc='best')
    if not pairs:
        _placeholder(axes[0], 'No student runs in these results: nothing '
                     'to draw')
    title = 'Student top-1 (mean ± std over seeds)'
    fig.suptitle(f'{SMOKE_NOTE.upper()}\n{title}' if smoke else title,
                 fontsize=10, color='firebrick' if smoke else 'k')
    fig.tight_layout()
    fig.savefig(out_file, dpi=120)
    plt.close(fig)
    return out_file


def read_scalars(log_dir: str) -> List[dict]:
    """The per-iteration scalars mmengine's ``LocalVisBackend`` wrote.

    Args:
        log_dir (str): A run's timestamped log dir.

    Returns:
        list[dict]: One dict per logged step (empty when absent).
    """
    path = osp.join(log_dir, 'vis_data', 'scalars.json')
    if not osp.isfile(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


#: Title and file-name note of the outputs of a ``--quick`` run.
SMOKE_NOTE = 'smoke test (--quick): accuracies mean nothing'
#: File-name suffix of the plots of a ``--quick`` run.
SMOKE_SUFFIX = '_smoke-test'
#: The validation scalar of every run (see the benchmark's runtime.py).
ACC_KEY = 'accuracy/top1'


def is_smoke_test(records: Sequence[RunRecord]) -> bool:
    """Whether the rows come from a ``--quick`` command (a smoke test).

    Args:
        records (Sequence[RunRecord]): Rows of ``results.json``.

    Returns:
        bool: True when any row's ``command`` has the ``--quick`` flag.
    """
    for r in records:
        try:
            words = shlex.split(r.command or '')
        except ValueError:
            words = (r.command or '').split()
        if '--quick' in words:
            return True
    return False


def loss_panels(keys: Sequence[str]) -> List[str]:
    """The loss scalars that get a panel, in panel order.

    The student's cross-entropy first (``student.loss`` of a distillation
    run, ``loss`` of a scratch run, both drawn as ``'ce'``), then each LFCC
    term (one per tap, e.g. ``distill.loss_lfcc_mid``), then logit KD terms
    (``*kd*``), then every other distillation term, each in name order.

    Args:
        keys (Sequence[str]): Scalar names seen in the runs' logs (or the
            keys of :func:`run_series`, where the CE is ``'ce'``).

    Returns:
        list[str]: ``'ce'`` (when any run has it) and ``distill.*`` names.
    """
    distill = sorted({k for k in keys if k.startswith('distill.')})
    lfcc = [k for k in distill if 'lfcc' in k]
    kd = [k for k in distill if 'kd' in k and k not in lfcc]
    rest = [k for k in distill if k not in lfcc and k not in kd]
    ce = ['ce'] if {'ce', 'loss', 'student.loss'} & set(keys) else []
    return ce + lfcc + kd + rest


def panel_title(key: str) -> str:
    """Panel title of a loss key (``'ce'``, ``'distill.loss_lfcc_mid'``)."""
    if key == 'ce':
        return 'student cross-entropy'
    if key == ACC_KEY:
        return 'val top-1 (%)'
    name = key[len('distill.'):] if key.startswith('distill.') else key
    if 'lfcc' in name:
        tap = name.replace('loss_lfcc', '').strip('_') or 'all taps'
        return f'LFCC loss, tap {tap} ({key})'
    if name == 'loss_kd':
        return f'logit KD ({key})'
    return f'distillation term {key}'


def run_series(scalars: Sequence[dict]) -> Dict[str, List[Tuple[float,
                                                                float]]]:
    """``key -> [(x, value)]`` of one run's scalars, keyed as the panels.

    Training entries (those with a ``loss``) give ``'ce'`` (``student.loss``,
    or ``loss`` when the run has no distillation terms) and each
    ``distill.*`` term against the iteration; validation entries (those with
    ``accuracy/top1``) give :data:`ACC_KEY` against the evaluation's number
    (1, 2, ... in log order: the epoch, with validation every epoch).

    Args:
        scalars (Sequence[dict]): From :func:`read_scalars`.

    Returns:
        dict: Series per key, in log order.
    """
    series: Dict[str, List[Tuple[float, float]]] = defaultdict(list)
    evals = 0
    for s in scalars:
        if ACC_KEY in s:
            evals += 1
            series[ACC_KEY].append((evals, float(s[ACC_KEY])))
            continue
        if 'loss' not in s and 'student.loss' not in s:
            continue
        step = s.get('step', s.get('iter', len(series['ce']) + 1))
        series['ce'].append((step, float(s.get('student.loss',
                                               s.get('loss')))))
        for key, value in s.items():
            if key.startswith('distill.') and isinstance(value, (int, float)):
                series[key].append((step, float(value)))
    return dict(series)


def seed_band(runs: Sequence[Sequence[Tuple[float, float]]]
              ) -> Tuple[List[float], List[float], List[float], List[float]]:
    """Mean, min and max over seeds at each x any seed logged.

    Args:
        runs (Sequence): One ``[(x, value)]`` series per seed.

    Returns:
        tuple: ``(xs, mean, low, high)``, ``xs`` sorted; at each x over the
        seeds that logged it.
    """
    at: Dict[float, List[float]] = defaultdict(list)
    for series in runs:
        for x, v in series:
            at[x].append(v)
    xs = sorted(at)
    return (xs, [statistics.fmean(at[x]) for x in xs],
            [min(at[x]) for x in xs], [max(at[x]) for x in xs])


def _placeholder(ax: Any, text: str) -> None:
    """Write ``text`` in the middle of an empty panel (no empty plots)."""
    ax.text(0.5, 0.5, text, ha='center', va='center', wrap=True,
            fontsize=9, color='dimgrey', transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def plot_pair_curves(runs: Sequence[RunRecord], out_file: str,
                     smoke: bool = False,
                     colors: Optional[Mapping[str, Any]] = None) -> str:
    """The training of one pair: a panel per loss term and one of accuracy.

    Panels (see :func:`loss_panels`): the student's cross-entropy, each LFCC
    tap's loss, logit KD and every other distillation term, then the
    validation top-1. One line per method (mean over its seeds, min-max over
    seeds shaded); a panel shows only the methods that have its term. When
    no run of the pair has scalar logs, one panel says so instead of an
    empty plot.

    Args:
        runs (Sequence[RunRecord]): The pair's student rows (any seeds).
        out_file (str): PNG path.
        smoke (bool): Say in the title that this is a ``--quick`` smoke
            test. Defaults to False.
        colors (Mapping[str, Any], optional): Colour per method (the same in
            every pair's figure). Defaults to :func:`_method_colors`.

    Returns:
        str: ``out_file``.
    """
    plt = _pyplot()
    methods = list(dict.fromkeys(r.method for r in runs))
    colors = colors or _method_colors(methods)
    per_method: Dict[str, List[Dict[str, list]]] = defaultdict(list)
    missing = []
    for r in runs:
        scalars = read_scalars(r.log_dir) if r.log_dir else []
        if scalars:
            per_method[r.method].append(run_series(scalars))
        else:
            missing.append(r)
    keys = loss_panels([k for m in per_method.values() for s in m
                        for k in s])
    if any(ACC_KEY in s for m in per_method.values() for s in m):
        keys.append(ACC_KEY)
    fig, axes = _panel_grid(len(keys) or 1, 4.2, 3.0, max_cols=3)
    first = runs[0]
    title = (f'{model_label(first.teacher, first.teacher_family)} → '
             f'{model_label(first.student, first.student_family)}: '
             'mean over seeds, min–max shaded')
    if smoke:
        title = f'{SMOKE_NOTE.upper()}\n{title}'
    if not keys:
        _placeholder(axes[0], (
            f'No training curves: none of the {len(runs)} runs has '
            'vis_data/scalars.json under its log_dir\n(the logs were not '
            'kept; re-run the benchmark to draw them)'))
    handles: Dict[str, Any] = {}
    for ax, key in zip(axes, keys):
        for method in methods:
            seeds = [s[key] for s in per_method.get(method, []) if key in s]
            if not seeds:
                continue
            xs, mean, low, high = seed_band(seeds)
            line, = ax.plot(xs, mean, color=colors[method], lw=1.2,
                            marker='o' if len(xs) < 5 else None, ms=3)
            if len(seeds) > 1:
                ax.fill_between(xs, low, high, color=colors[method],
                                alpha=0.2, lw=0)
            handles.setdefault(method, line)
        ax.set_title(panel_title(key), fontsize=9)
        ax.set_xlabel('epoch (validation)' if key == ACC_KEY
                      else 'iteration')
        ax.grid(alpha=0.3)
    if missing and keys:
        axes[0].annotate(f'{len(missing)} run(s) without scalar logs left '
                         'out', (0.0, -0.3), xycoords='axes fraction',
                         fontsize=7, color='dimgrey')
    if handles:
        fig.legend(list(handles.values()), list(handles), fontsize=8,
                   loc='center left', bbox_to_anchor=(1.0, 0.5))
    fig.suptitle(title, fontsize=10, color='firebrick' if smoke else 'k')
    fig.tight_layout()
    fig.savefig(out_file, dpi=110, bbox_inches='tight')
    plt.close(fig)
    return out_file


def curves_file(work_dir: str, pair: str, smoke: bool = False) -> str:
    """``WORK_DIR/curves_{pair}.png`` (``..._smoke-test.png`` for
    ``--quick``)."""
    return osp.join(work_dir, f'curves_{pair}'
                    f'{SMOKE_SUFFIX if smoke else ""}.png')


def plot_curves(records: Sequence[RunRecord], work_dir: str,
                smoke: Optional[bool] = None) -> List[str]:
    """Training curves, one figure per pair (:func:`plot_pair_curves`).

    Args:
        records (Sequence[RunRecord]): Rows of ``results.json`` (one
            settings group); teacher rows are left out.
        work_dir (str): Output folder of the ``curves_{pair}.png`` files.
        smoke (bool, optional): Label the figures as a ``--quick`` smoke
            test. Defaults to :func:`is_smoke_test` of the rows.

    Returns:
        list[str]: The PNG paths, in the pairs' order (one ``curves.png``
        placeholder when there are no student rows at all).
    """
    smoke = is_smoke_test(records) if smoke is None else smoke
    runs = [r for r in records if r.method != 'teacher']
    methods = list(dict.fromkeys(r.method for r in runs))
    colors = _method_colors(methods)
    pairs = list(dict.fromkeys(r.pair for r in runs))
    if not pairs:
        plt = _pyplot()
        fig, axes = _panel_grid(1, 5.0, 3.0)
        _placeholder(axes[0], 'No student runs in these results: nothing '
                     'to draw')
        path = osp.join(work_dir,
                        f'curves{SMOKE_SUFFIX if smoke else ""}.png')
        fig.savefig(path, dpi=110)
        plt.close(fig)
        return [path]
    return [plot_pair_curves([r for r in runs if r.pair == pair],
                             curves_file(work_dir, pair, smoke), smoke,
                             colors) for pair in pairs]


def group_rows(records: Sequence[RunRecord]
               ) -> Dict[str, List[RunRecord]]:
    """Rows by settings group, groups in order of first appearance.

    Args:
        records (Sequence[RunRecord]): Rows of ``results.json``.

    Returns:
        dict: ``settings_id -> rows``.
    """
    groups: Dict[str, List[RunRecord]] = {}
    for r in records:
        groups.setdefault(r.settings_id, []).append(r)
    return groups


def _flatten(obj: Any, prefix: str = '') -> Dict[str, Any]:
    """``{'a.b': value}`` for nested dicts (lists stay values)."""
    if not isinstance(obj, dict):
        return {prefix: obj}
    out: Dict[str, Any] = {}
    for key, value in obj.items():
        out.update(_flatten(value, f'{prefix}.{key}' if prefix else key))
    return out


def settings_difference(settings: dict, current: dict,
                        max_items: int = 6) -> str:
    """How ``settings`` differ from ``current``, e.g. ``schedule.lr = 0.001
    (this run: 0.002)``.

    Args:
        settings (dict): One group's settings.
        current (dict): The current group's settings.
        max_items (int): Differences listed before ``and N more``.
            Defaults to 6.

    Returns:
        str: ``'; '``-separated differences (``'none'`` when equal).
    """
    mine, theirs = _flatten(settings), _flatten(current)
    diffs = [f'{key} = {mine.get(key, "—")} (this run: '
             f'{theirs.get(key, "—")})'
             for key in sorted(set(mine) | set(theirs))
             if mine.get(key) != theirs.get(key)]
    if len(diffs) > max_items:
        diffs = diffs[:max_items] + [f'and {len(diffs) - max_items} more']
    return '; '.join(diffs) or 'none'


def report_markdown(records: Sequence[RunRecord],
                    current: Optional[str] = None,
                    legend: Optional[Mapping[str, str]] = None) -> str:
    """``results.md``: one table per settings group, ``current`` first.

    Under each table, one flagged line per pair whose teacher is too weak
    (:func:`weak_teachers`); after the tables, the legend of the methods
    shown, when one is given.

    Args:
        records (Sequence[RunRecord]): Rows of ``results.json``.
        current (str, optional): Settings group of the current command.
            Defaults to the group of the last row.
        legend (Mapping[str, str], optional): From :func:`method_legend`.
            Defaults to no legend.

    Returns:
        str: Markdown.
    """
    groups = group_rows(records)
    if not groups:
        return 'No results yet.\n'
    if current not in groups:
        current = records[-1].settings_id
    current_settings = groups[current][0].settings
    parts = []
    for gid in [current] + [g for g in groups if g != current]:
        rows = groups[gid]
        if gid == current:
            head = (f'Settings `{gid or "unrecorded"}` (this run; every '
                    'setting is in results.json, key `settings` of each '
                    'row):')
        elif not gid:
            head = ('Rows recorded before each row stored its settings '
                    '(kept, never reused):')
        else:
            head = (f'Settings `{gid}` (earlier runs, kept in results.json), '
                    'which differ from this run in: '
                    + settings_difference(rows[0].settings,
                                          current_settings) + ':')
        summary = summarize(rows)
        parts.append(head + '\n\n' + markdown_table(summary))
        flags = teacher_check_markdown(weak_teachers(summary))
        if flags:
            parts.append(flags)
    methods = list(dict.fromkeys(r.method for r in records
                                 if r.method != 'teacher'))
    explained = legend_markdown(legend or {}, methods)
    if explained:
        parts.append(explained)
    return '\n'.join(parts)


def write_report(records: Sequence[RunRecord], work_dir: str,
                 current: Optional[str] = None,
                 bench_dir: Optional[str] = None,
                 smoke: Optional[bool] = None) -> Dict[str, Any]:
    """Write ``results.md``, ``top1.png`` and ``curves_{pair}.png`` to
    ``work_dir``.

    The rows of a ``--quick`` command (a smoke test) give
    ``top1_smoke-test.png`` and ``curves_{pair}_smoke-test.png``, and
    ``results.md`` starts with :data:`SMOKE_NOTE`.

    Args:
        records (Sequence[RunRecord]): Rows of ``results.json`` (all of
            them: rows of other settings get their own table).
        work_dir (str): Output folder.
        current (str, optional): Settings group of the current command;
            its rows make the plots and ``markdown``. Defaults to the group
            of the last row.
        bench_dir (str, optional): The benchmark's config folder (e.g.
            ``configs/benchmark/cifar10``), whose method docstrings make the
            legend of ``results.md``. Defaults to no legend.
        smoke (bool, optional): Whether the current group is a smoke test.
            Defaults to :func:`is_smoke_test` of its rows.

    Returns:
        dict: ``table``, ``top1_plot`` paths, ``curves_plots`` (one path per
        pair), ``curves_plot`` (the first of them), ``markdown`` (the
        current group's table), ``smoke`` and ``weak_teachers`` (the current
        group's :class:`WeakTeacher` list; print ``str()`` of each).
    """
    groups = group_rows(records)
    if current not in groups and records:
        current = records[-1].settings_id
    mine = groups.get(current, [])
    smoke = is_smoke_test(mine) if smoke is None else smoke
    rows = summarize(mine)
    table_file = osp.join(work_dir, 'results.md')
    text = report_markdown(records, current, method_legend(bench_dir))
    if smoke:
        text = f'**{SMOKE_NOTE}.**\n\n{text}'
    with open(table_file, 'w', encoding='utf-8') as f:
        f.write(text)
    suffix = SMOKE_SUFFIX if smoke else ''
    curves = plot_curves(mine, work_dir, smoke)
    return dict(table=table_file, markdown=markdown_table(rows),
                weak_teachers=weak_teachers(rows), smoke=smoke,
                top1_plot=plot_top1(rows, osp.join(work_dir,
                                                   f'top1{suffix}.png'),
                                    smoke),
                curves_plots=curves, curves_plot=curves[0])
