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


def plot_top1(rows: Sequence[SummaryRow], out_file: str) -> str:
    """Top-1 per method, one panel per pair, std over seeds as error bars.

    Each panel has the pair's methods along x (mean ± std over seeds), the
    teacher's top-1 as a dashed line and the scratch mean as a dotted one,
    so any number of methods and pairs stays readable.

    Args:
        rows (Sequence[SummaryRow]): From :func:`summarize`.
        out_file (str): PNG path.

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
    fig.suptitle('Student top-1 (mean ± std over seeds)', fontsize=10)
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


def plot_curves(records: Sequence[RunRecord], out_file: str) -> str:
    """Training curves: the student's cross-entropy per pair and method.

    One panel per pair; each (method, seed) run is a line of the student's
    task loss (``loss`` for scratch, ``student.loss`` for distillation),
    read from the mmengine scalar logs; one colour per method, one legend
    for the figure.

    Args:
        records (Sequence[RunRecord]): Rows of ``results.json``.
        out_file (str): PNG path.

    Returns:
        str: ``out_file``.
    """
    plt = _pyplot()
    runs = [r for r in records if r.method != 'teacher']
    pairs = list(dict.fromkeys(r.pair for r in runs))
    methods = list(dict.fromkeys(r.method for r in runs))
    colors = _method_colors(methods)
    fig, axes = _panel_grid(len(pairs), 5.0, 3.4)
    handles: Dict[str, Any] = {}
    for ax, pair in zip(axes, pairs):
        mine = [r for r in runs if r.pair == pair]
        for r in mine:
            points = [(s['step'], s.get('student.loss', s.get('loss')))
                      for s in read_scalars(r.log_dir)
                      if 'student.loss' in s or 'loss' in s]
            if points:
                steps, losses = zip(*points)
                line, = ax.plot(steps, losses, color=colors[r.method],
                                alpha=0.8, lw=1)
                handles.setdefault(r.method, line)
        ax.set_title(
            f'{model_label(mine[0].teacher, mine[0].teacher_family)} → '
            f'{model_label(mine[0].student, mine[0].student_family)}',
            fontsize=9)
        ax.set_xlabel('iteration')
        ax.set_ylabel('student cross-entropy')
    if handles:
        fig.legend(list(handles.values()), list(handles), fontsize=8,
                   loc='center left', bbox_to_anchor=(1.0, 0.5))
    fig.tight_layout()
    fig.savefig(out_file, dpi=120, bbox_inches='tight')
    plt.close(fig)
    return out_file


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
                 bench_dir: Optional[str] = None) -> Dict[str, Any]:
    """Write ``results.md``, ``top1.png`` and ``curves.png`` to ``work_dir``.

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

    Returns:
        dict: ``table``, ``top1_plot``, ``curves_plot`` paths, ``markdown``
        (the current group's table) and ``weak_teachers`` (the current
        group's :class:`WeakTeacher` list; print ``str()`` of each).
    """
    groups = group_rows(records)
    if current not in groups and records:
        current = records[-1].settings_id
    mine = groups.get(current, [])
    rows = summarize(mine)
    table_file = osp.join(work_dir, 'results.md')
    with open(table_file, 'w', encoding='utf-8') as f:
        f.write(report_markdown(records, current, method_legend(bench_dir)))
    return dict(table=table_file, markdown=markdown_table(rows),
                weak_teachers=weak_teachers(rows),
                top1_plot=plot_top1(rows, osp.join(work_dir, 'top1.png')),
                curves_plot=plot_curves(mine,
                                        osp.join(work_dir, 'curves.png')))
