"""Turn benchmark results into a model-zoo table and PNG plots.

Rows of different settings (see :attr:`RunRecord.settings_id`) are never
mixed: ``results.md`` has one table per settings group, the current
command's first, each under a heading that says how its settings differ
from the current ones; the plots show the current group only.
"""
from __future__ import annotations

import json
import os.path as osp
import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence

from .results import RunRecord
from .zoo import MODEL_SPECS

METHOD_LABELS = {'scratch': 'from scratch', 'kd': 'vanilla KD', 'ofa': 'OFA',
                 'lfcc': 'LFCC (+ logit KD)', 'teacher': 'teacher'}


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


def summarize(records: Sequence[RunRecord]) -> List[SummaryRow]:
    """Aggregate runs over seeds, teachers first, then pairs x methods.

    Args:
        records (Sequence[RunRecord]): Rows of ``results.json``.

    Returns:
        list[SummaryRow]: One row per teacher and per (pair, method), in the
        order first seen.
    """
    groups: Dict[tuple, List[RunRecord]] = defaultdict(list)
    for r in records:
        key = (None, r.teacher, None, 'teacher') if r.method == 'teacher' \
            else (r.pair, r.teacher, r.student, r.method)
        groups[key].append(r)
    rows = []
    for (pair, teacher, student, method), runs in groups.items():
        accs = [r.top1 for r in runs]
        rows.append(SummaryRow(
            pair=pair, teacher=teacher, student=student, method=method,
            mean=statistics.fmean(accs),
            std=statistics.stdev(accs) if len(accs) > 1 else 0.0,
            n=len(accs), delta=None,
            wall_s=statistics.fmean(r.wall_s for r in runs)))
    scratch = {r.pair: r.mean for r in rows if r.method == 'scratch'}
    for r in rows:
        if r.method not in ('teacher', 'scratch') and r.pair in scratch:
            r.delta = r.mean - scratch[r.pair]
    return rows


def _model(name: Optional[str]) -> str:
    """``name (family)`` for tables."""
    return '—' if name is None else f'{name} ({MODEL_SPECS[name].family})'


def markdown_table(rows: Sequence[SummaryRow]) -> str:
    """Model-zoo table: Teacher | Student | Method | Top-1 | Δ vs scratch.

    Args:
        rows (Sequence[SummaryRow]): From :func:`summarize`.

    Returns:
        str: GitHub Markdown, one line per row, ending with a newline.
    """
    lines = ['| Teacher | Student | Method | Top-1 (%) | Δ vs scratch | '
             'Seeds | Time / run (s) |',
             '|---|---|---|---|---|---|---|']
    for r in rows:
        top1 = f'{r.mean:.2f} ± {r.std:.2f}' if r.n > 1 else f'{r.mean:.2f}'
        delta = '—' if r.delta is None else f'{r.delta:+.2f}'
        student = '— (teacher itself)' if r.method == 'teacher' \
            else _model(r.student)
        lines.append(f'| {_model(r.teacher)} | {student} | '
                     f'{METHOD_LABELS.get(r.method, r.method)} | {top1} | '
                     f'{delta} | {r.n} | {r.wall_s:.0f} |')
    return '\n'.join(lines) + '\n'


def plot_top1(rows: Sequence[SummaryRow], out_file: str) -> str:
    """Bar chart of top-1 per pair and method, std over seeds as error bars.

    Args:
        rows (Sequence[SummaryRow]): From :func:`summarize`.
        out_file (str): PNG path.

    Returns:
        str: ``out_file``.
    """
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    students = [r for r in rows if r.method != 'teacher']
    pairs = list(dict.fromkeys(r.pair for r in students))
    methods = list(dict.fromkeys(r.method for r in students))
    teachers = {r.teacher: r.mean for r in rows if r.method == 'teacher'}
    width = 0.8 / max(len(methods), 1)
    fig, ax = plt.subplots(figsize=(2.2 + 2.0 * len(pairs), 3.6))
    for m_idx, method in enumerate(methods):
        xs, ys, es = [], [], []
        for p_idx, pair in enumerate(pairs):
            for r in students:
                if r.pair == pair and r.method == method:
                    xs.append(p_idx + (m_idx - (len(methods) - 1) / 2) * width)
                    ys.append(r.mean)
                    es.append(r.std)
        ax.bar(xs, ys, width, yerr=es, capsize=3,
               label=METHOD_LABELS.get(method, method))
    for p_idx, pair in enumerate(pairs):
        teacher = next(r.teacher for r in students if r.pair == pair)
        if teacher in teachers:
            ax.hlines(teachers[teacher], p_idx - 0.45, p_idx + 0.45,
                      colors='k', linestyles='dashed')
    ax.set_xticks(range(len(pairs)))
    ax.set_xticklabels([
        f'{pair}\n{next(r.teacher for r in students if r.pair == pair)} → '
        f'{next(r.student for r in students if r.pair == pair)}'
        for pair in pairs], fontsize=8)
    ax.set_ylabel('top-1 (%)')
    ax.set_title('Student top-1 (mean ± std over seeds; dashed: teacher)',
                 fontsize=9)
    ax.legend(fontsize=8)
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
    read from the mmengine scalar logs.

    Args:
        records (Sequence[RunRecord]): Rows of ``results.json``.
        out_file (str): PNG path.

    Returns:
        str: ``out_file``.
    """
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    runs = [r for r in records if r.method != 'teacher']
    pairs = list(dict.fromkeys(r.pair for r in runs))
    methods = list(dict.fromkeys(r.method for r in runs))
    colors = {m: f'C{i}' for i, m in enumerate(methods)}
    fig, axes = plt.subplots(1, max(len(pairs), 1), squeeze=False,
                             figsize=(4.0 * max(len(pairs), 1), 3.2))
    for ax, pair in zip(axes[0], pairs):
        for r in runs:
            if r.pair != pair:
                continue
            points = [(s['step'], s.get('student.loss', s.get('loss')))
                      for s in read_scalars(r.log_dir)
                      if 'student.loss' in s or 'loss' in s]
            if points:
                steps, losses = zip(*points)
                seen = ax.get_legend_handles_labels()[1]
                label = METHOD_LABELS.get(r.method, r.method)
                ax.plot(steps, losses, color=colors[r.method], alpha=0.8,
                        lw=1, label=None if label in seen else label)
        ax.set_title(pair, fontsize=9)
        ax.set_xlabel('iteration')
        ax.set_ylabel('student cross-entropy')
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out_file, dpi=120)
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
                    current: Optional[str] = None) -> str:
    """``results.md``: one table per settings group, ``current`` first.

    Args:
        records (Sequence[RunRecord]): Rows of ``results.json``.
        current (str, optional): Settings group of the current command.
            Defaults to the group of the last row.

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
        parts.append(head + '\n\n' + markdown_table(summarize(rows)))
    return '\n'.join(parts)


def write_report(records: Sequence[RunRecord], work_dir: str,
                 current: Optional[str] = None) -> Dict[str, str]:
    """Write ``results.md``, ``top1.png`` and ``curves.png`` to ``work_dir``.

    Args:
        records (Sequence[RunRecord]): Rows of ``results.json`` (all of
            them: rows of other settings get their own table).
        work_dir (str): Output folder.
        current (str, optional): Settings group of the current command;
            its rows make the plots and ``markdown``. Defaults to the group
            of the last row.

    Returns:
        dict: ``table``, ``top1_plot``, ``curves_plot`` paths, and
        ``markdown`` (the current group's table).
    """
    groups = group_rows(records)
    if current not in groups and records:
        current = records[-1].settings_id
    mine = groups.get(current, [])
    rows = summarize(mine)
    table_file = osp.join(work_dir, 'results.md')
    with open(table_file, 'w') as f:
        f.write(report_markdown(records, current))
    return dict(table=table_file, markdown=markdown_table(rows),
                top1_plot=plot_top1(rows, osp.join(work_dir, 'top1.png')),
                curves_plot=plot_curves(mine,
                                        osp.join(work_dir, 'curves.png')))
