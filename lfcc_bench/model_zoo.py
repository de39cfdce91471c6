"""Model-zoo files of the CIFAR-10 benchmark, from ``results.json`` alone.

From the rows of one settings group (:attr:`RunRecord.settings_id`; by
default the latest command's, ``settings.settings_id`` at the top of the
file) this writes:

- an OpenMMLab metafile (``configs/benchmark/cifar10/metafile.yml``): one
  Collection, one Model per config that has rows (top-1 mean and std over
  its seeds), imported by ``model-index.yml``;
- the results section of the benchmark README: the text between
  :data:`START_MARKER` and :data:`END_MARKER`, one table per pair.

Rows are aggregated by :func:`~lfcc_bench.report.summarize` (the same
numbers as ``results.md``); rows without a config are skipped with a
warning. The output depends on the rows and the paths only, so two runs on
the same input give byte-identical files; each file is replaced atomically.
"""
from __future__ import annotations

import os
import os.path as osp
import posixpath
import warnings
from collections import defaultdict
from typing import Any, Dict, List, Optional, Sequence, Tuple

import yaml

from lfcc_mm.errors import UserError

from .report import (SummaryRow, delta_text, summarize, summary_key,
                     teacher_check_markdown, weak_teachers)
from .results import RunRecord, read_results_file, write_text_atomic

START_MARKER = '<!-- results:start -->'
END_MARKER = '<!-- results:end -->'
COLLECTION = 'LFCC CIFAR-10 benchmark'
DATASET = 'CIFAR-10'
TOOL = 'tools/benchmark/update_model_zoo.py'


class _IndentDumper(yaml.SafeDumper):
    """Block lists indented under their key, as OpenMMLab metafiles are."""

    def increase_indent(self, flow: bool = False,
                        indentless: bool = False) -> None:
        """Never indentless (``Key:\\n  - item``, not ``Key:\\n- item``)."""
        return super().increase_indent(flow, False)


def dump_yaml(data: Any) -> str:
    """YAML in the metafile style: keys in order, lists indented, no folds.

    Args:
        data (Any): Plain dicts / lists / scalars.

    Returns:
        str: The YAML text.
    """
    return yaml.dump(data, Dumper=_IndentDumper, sort_keys=False,
                     allow_unicode=True, default_flow_style=False,
                     width=10_000)


def _rows(n: int) -> str:
    """``'1 row'``, ``'3 rows'``."""
    return f'{n} row' + ('' if n == 1 else 's')


def select_group(settings: Dict[str, Any], records: Sequence[RunRecord],
                 settings_id: Optional[str] = None,
                 source: str = 'results.json'
                 ) -> Tuple[str, List[RunRecord]]:
    """The rows of one settings group that name their config.

    Args:
        settings (dict): The file's top-level ``settings`` (its
            ``settings_id`` is the default group).
        records (Sequence[RunRecord]): All rows of the file.
        settings_id (str, optional): The group to publish. Defaults to
            ``settings['settings_id']``, or the only group of the file.
        source (str): The file, for messages. Defaults to
            ``'results.json'``.

    Returns:
        tuple: ``(settings_id, rows)``, rows in file order.

    Raises:
        UserError: If the group is unknown or ambiguous, or none of its rows
            names a config.
    """
    counts: Dict[str, int] = defaultdict(int)
    for r in records:
        counts[r.settings_id] += 1
    known = ', '.join(f'{g or "(none)"} ({_rows(n)})'
                      for g, n in counts.items())
    if settings_id is None:
        settings_id = settings.get('settings_id')
        if settings_id is None and len(counts) == 1:
            settings_id = next(iter(counts))
        if settings_id is None:
            raise UserError(f'{source} has no settings.settings_id and '
                            f'several settings groups: {known or "none"}; '
                            'choose one with --settings-id')
    if settings_id not in counts:
        raise UserError(f'{source} has no row of settings group '
                        f'{settings_id!r}; its groups: {known or "none"}')
    group = [r for r in records if r.settings_id == settings_id]
    rows = [r for r in group if r.config]
    if len(rows) < len(group):
        skipped = sorted({f'{r.method} {r.pair or r.teacher}'
                          for r in group if not r.config})
        warnings.warn(f'{source}: settings group {settings_id!r}: '
                      f'skipping {_rows(len(group) - len(rows))} without a '
                      f'config (field "config"): {", ".join(skipped)}')
    if not rows:
        raise UserError(f'{source}: no row of settings group '
                        f'{settings_id!r} names its config (field "config"); '
                        'nothing to publish')
    return settings_id, rows


def summarize_by_config(rows: Sequence[RunRecord]
                        ) -> List[Tuple[SummaryRow, List[RunRecord]]]:
    """:func:`summarize` of one group, each summary with its runs.

    Args:
        rows (Sequence[RunRecord]): Rows of one settings group, each with a
            config.

    Returns:
        list[tuple]: ``(summary, runs)`` in :func:`summarize` order.

    Raises:
        UserError: If the runs of one (pair, method) name different configs
            or one config holds two (pair, method) rows.
    """
    runs: Dict[tuple, List[RunRecord]] = defaultdict(list)
    for r in rows:
        runs[summary_key(r)].append(r)
    owner: Dict[str, tuple] = {}
    for key, mine in runs.items():
        configs = sorted({r.config for r in mine})
        if len(configs) > 1 or owner.setdefault(configs[0], key) != key:
            clash = configs if len(configs) > 1 else [
                f'{configs[0]} (also {owner[configs[0]]})']
            raise UserError(f'rows of {key} name configs {clash}: one config '
                            'per (pair, method) is expected')
    return [(s, runs[(s.pair, s.teacher, s.student, s.method)])
            for s in summarize(rows)]


def _model_entry(summary: SummaryRow, runs: Sequence[RunRecord],
                 dataset: str, collection: str) -> Dict[str, Any]:
    """One ``Models`` item of the metafile."""
    meta: Dict[str, Any] = dict(Teacher=summary.teacher)
    if summary.teacher_family:
        meta['Teacher Family'] = summary.teacher_family
    if summary.method != 'teacher':
        meta['Student'] = summary.student
        if summary.student_family:
            meta['Student Family'] = summary.student_family
    meta['Method'] = summary.method
    meta['Training Data'] = dataset
    if runs[0].epochs:
        meta['Epochs'] = runs[0].epochs
    meta['Seeds'] = summary.n
    metrics: Dict[str, Any] = {'Top 1 Accuracy': round(summary.mean, 2)}
    if summary.n > 1:
        metrics['Top 1 Accuracy Std'] = round(summary.std, 2)
    return {
        'Name': posixpath.splitext(posixpath.basename(summary.config))[0],
        'In Collection': collection,
        'Metadata': meta,
        'Results': [{'Task': 'Image Classification', 'Dataset': dataset,
                     'Metrics': metrics}],
        'Config': summary.config,
        # the URL `mim download` fetches (it refuses local paths)
        'Weights': _weights(summary.method, summary.config, runs[0]),
    }


def _weights(method: str, config: str, run: RunRecord) -> Optional[str]:
    """The download URL of a config's shipped weights, if any.

    A teacher's: the shipped file it was tested with (not trained here). A
    student's: ``checkpoints/.../students/<config name>.pth``
    (:func:`lfcc_mm.zoo.student_weights_name`) once it is shipped. Shipped
    files are listed in their folder's ``SHA256SUMS`` (:mod:`lfcc_mm.zoo`).
    """
    from lfcc_mm.zoo import is_shipped, student_weights_name, weights_url
    if method == 'teacher':
        path = (run.checkpoint or '').replace(os.sep, '/')
        if run.trained or not path.startswith('checkpoints/'):
            return None
        return weights_url(path[len('checkpoints/'):])
    name = student_weights_name(config)
    return weights_url(name) if is_shipped(name) else None


def metafile_text(rows: Sequence[RunRecord], settings_id: str,
                  readme: str, dataset: str = DATASET,
                  collection: str = COLLECTION) -> str:
    """The OpenMMLab metafile of one settings group.

    Args:
        rows (Sequence[RunRecord]): From :func:`select_group`.
        settings_id (str): Their settings group (named in the header).
        readme (str): The collection's README, relative to the repository
            root.
        dataset (str): Dataset name of ``Training Data`` and ``Results``.
            Defaults to :data:`DATASET`.
        collection (str): Collection name. Defaults to :data:`COLLECTION`.

    Returns:
        str: YAML with a generated-file header: ``Collections`` (one) and
        ``Models`` (one per config, in the order of ``results.md``).
    """
    models = [_model_entry(s, runs, dataset, collection)
              for s, runs in summarize_by_config(rows)]
    data = {
        'Collections': [{'Name': collection,
                         'Metadata': {'Training Data': dataset},
                         'README': readme}],
        'Models': models,
    }
    header = (f'# Generated by {TOOL} from settings group\n'
              f'# {settings_id or "(none)"} of the benchmark\'s results.json '
              '(top-1: mean and sample std over\n# seeds). Re-run the tool '
              'instead of editing by hand.\n')
    return header + dump_yaml(data)


def _direction(row: SummaryRow) -> str:
    """``ViT → CNN: vit-s → res18-w16`` (the models alone when a family is
    unknown)."""
    models = f'{row.teacher} → {row.student}'
    if row.teacher_family and row.student_family:
        return f'{_short_direction(row)}: {models}'
    return models


def _cell(summary: SummaryRow) -> str:
    """``mean ± std (n seeds)``, 2 decimals."""
    seeds = f'{summary.n} seed' + ('s' if summary.n > 1 else '')
    if summary.n > 1:
        return f'{summary.mean:.2f} ± {summary.std:.2f} ({seeds})'
    return f'{summary.mean:.2f} ({seeds})'


def _short_direction(row: SummaryRow) -> str:
    """``ViT → CNN`` (the pair name when a family is unknown)."""
    if row.teacher_family and row.student_family:
        return f'{row.teacher_family} → {row.student_family}'
    return str(row.pair)


def overview_markdown(summary: Sequence[SummaryRow]) -> str:
    """Every method against every pair in one table: Δ vs. scratch.

    Columns are the pairs (``ViT → CNN``, with the models below), rows the
    methods in the order first seen, then the scratch and teacher top-1 the
    deltas are measured against. A cell whose seed count differs from its
    pair's scratch row says how many seeds it has; ``—`` where a method was
    not run on a pair.

    Args:
        summary (Sequence[SummaryRow]): From :func:`summarize_by_config`.

    Returns:
        str: Markdown (no trailing newline); ``''`` for fewer than two
        pairs (the per-pair tables say it all).
    """
    pairs = list(dict.fromkeys(s.pair for s in summary
                               if s.method != 'teacher'))
    if len(pairs) < 2:
        return ''
    cell = {(s.pair, s.method): s for s in summary if s.method != 'teacher'}
    teachers = {s.teacher: s for s in summary if s.method == 'teacher'}
    first = {p: next(s for s in summary if s.pair == p) for p in pairs}
    methods = list(dict.fromkeys(s.method for s in summary
                                 if s.method not in ('teacher', 'scratch')))

    def delta(pair: str, method: str) -> str:
        row, scratch = cell.get((pair, method)), cell.get((pair, 'scratch'))
        if row is None or row.delta is None:
            return '—'
        text = f'{row.delta:+.2f}'
        if scratch is not None and row.n != scratch.n:
            text += f' ({row.n} seed' + ('s)' if row.n > 1 else ')')
        return text

    def top1(row: Optional[SummaryRow]) -> str:
        return '—' if row is None else f'{row.mean:.2f}'

    lines = ['| Method | ' + ' | '.join(
                 f'{_short_direction(first[p])}<br>{first[p].teacher} → '
                 f'{first[p].student}' for p in pairs) + ' |',
             '|---|' + '---|' * len(pairs)]
    for method in methods:
        lines.append(f'| {method} | '
                     + ' | '.join(delta(p, method) for p in pairs) + ' |')
    lines.append('| *scratch top-1* | ' + ' | '.join(
        top1(cell.get((p, 'scratch'))) for p in pairs) + ' |')
    lines.append('| *teacher top-1* | ' + ' | '.join(
        top1(teachers.get(first[p].teacher)) for p in pairs) + ' |')
    return '\n'.join(lines)


def results_markdown(rows: Sequence[RunRecord], settings_id: str,
                     readme_dir: str, log_hint: Optional[str] = None) -> str:
    """The README's results section: an overview, then one table per pair.

    The overview (:func:`overview_markdown`, two pairs or more) puts every
    method's Δ vs. scratch on every pair in one table. Each pair gets a
    direction heading (``### ViT → CNN: vit-s → res18-w16``), then its teacher's top-1 and every method's mean ± std
    over seeds and Δ vs. scratch, each linked to its config, then the
    flagged line when the teacher is too weak
    (:func:`~lfcc_bench.report.weak_teachers`).

    Args:
        rows (Sequence[RunRecord]): From :func:`select_group`.
        settings_id (str): Their settings group.
        readme_dir (str): The README's folder relative to the repository
            root (config links are relative to it).
        log_hint (str, optional): Where the runs' logs are, shown as a
            ``Logs:`` line. Defaults to none.

    Returns:
        str: Markdown ending with a newline.
    """
    summary = [s for s, _ in summarize_by_config(rows)]
    teachers = {s.teacher: s for s in summary if s.method == 'teacher'}
    pairs = list(dict.fromkeys(s.pair for s in summary
                               if s.method != 'teacher'))
    weak = {w.pair: w for w in weak_teachers(summary)}
    lines = [f'Top-1 (%) after the last epoch, mean ± std over seeds, and Δ '
             f'vs. `scratch` of the same pair; from the rows of settings '
             f'group `{settings_id or "(none)"}` of the benchmark\'s '
             f'`results.json` (every setting of a run is in that file), '
             f'written by `{TOOL}`.']
    if log_hint:
        lines += ['', f'Logs: {log_hint}']
    overview = overview_markdown(summary)
    if overview:
        lines += ['', '### All pairs: Δ vs. scratch (points)', '',
                  overview]
    for pair in pairs:
        mine = [s for s in summary if s.pair == pair]
        table = [s for s in [teachers.get(mine[0].teacher)] if s] + mine
        lines += ['', f'### {_direction(mine[0])}', '',
                  '| Method | Top-1 (%) | Δ vs scratch | Config |',
                  '|---|---|---|---|']
        for s in table:
            link = posixpath.relpath(s.config, readme_dir)
            method = f'teacher ({s.teacher})' if s.method == 'teacher' \
                else s.method
            lines.append(f'| {method} | {_cell(s)} | {delta_text(s)} | '
                         f'[{posixpath.basename(s.config)}]({link}) |')
        if pair in weak:
            lines += ['', teacher_check_markdown([weak[pair]]).rstrip('\n')]
    return '\n'.join(lines) + '\n'


def replace_between_markers(text: str, block: str, path: str) -> str:
    """``text`` with everything between the two markers replaced.

    Args:
        text (str): The README.
        block (str): The new section (ending with a newline).
        path (str): The README's path, for messages.

    Returns:
        str: The README with ``START_MARKER\\n\\nblock\\nEND_MARKER``; the
        text before and after the markers is kept byte for byte.

    Raises:
        UserError: If a marker is missing or the end comes first.
    """
    for marker in (START_MARKER, END_MARKER):
        if marker not in text:
            raise UserError(f'{path}: marker {marker!r} not found; put '
                            f'{START_MARKER} and {END_MARKER} on their own '
                            'lines where the results go')
    start = text.index(START_MARKER) + len(START_MARKER)
    end = text.find(END_MARKER, start)
    if end < 0:
        raise UserError(f'{path}: marker {END_MARKER!r} comes before '
                        f'{START_MARKER!r}')
    return text[:start] + '\n\n' + block + '\n' + text[end:]


def add_import(model_index: str, metafile: str) -> bool:
    """Add ``metafile`` to the ``Import`` list of ``model-index.yml`` once.

    Args:
        model_index (str): The model index (created when absent).
        metafile (str): The entry, relative to the model index's folder.

    Returns:
        bool: Whether the file was written (False: already imported).

    Raises:
        UserError: If the file exists but has no ``Import`` list.
    """
    data: Any = {'Import': []}
    if osp.isfile(model_index):
        with open(model_index, encoding='utf-8') as f:
            data = yaml.safe_load(f) or {'Import': []}
        if not isinstance(data, dict) or not isinstance(
                data.setdefault('Import', []), list):
            raise UserError(f'{model_index}: expected an "Import" list of '
                            f'metafiles, found {data!r}')
    if metafile in data['Import']:
        return False
    data['Import'].append(metafile)
    write_text_atomic(model_index, dump_yaml(data))
    return True


def _rel(path: str, root: str) -> str:
    """``path`` relative to ``root``, with ``/`` separators."""
    return osp.relpath(osp.abspath(path), osp.abspath(root)).replace(
        os.sep, '/')


def update_model_zoo(results_json: str, metafile: str, readme: str,
                     model_index: str, settings_id: Optional[str] = None,
                     log_hint: Optional[str] = None) -> Dict[str, Any]:
    """Write the metafile, import it and fill the README's results section.

    The repository root is the folder of ``model_index``: the metafile's
    ``Config`` paths are the rows' own (relative to it), the README and the
    import entry are made relative to it.

    Args:
        results_json (str): The benchmark's ``results.json``.
        metafile (str): Metafile to (over)write.
        readme (str): README with the two markers.
        model_index (str): ``model-index.yml`` at the repository root.
        settings_id (str, optional): Group to publish. Defaults to the
            latest command's (see :func:`select_group`).
        log_hint (str, optional): Where the logs are, for the README.

    Returns:
        dict: ``settings_id``, ``models`` (number of metafile models),
        ``weak_teachers`` (list of :class:`~lfcc_bench.report.
        WeakTeacher`), ``imported`` (whether ``model_index`` changed).

    Raises:
        FileNotFoundError: If ``results_json`` or ``readme`` is missing.
        UserError: See :func:`select_group`, :func:`replace_between_markers`
            and :func:`add_import`.
    """
    settings, records = read_results_file(results_json)
    gid, rows = select_group(settings, records, settings_id, results_json)
    root = osp.dirname(osp.abspath(model_index))
    with open(readme, encoding='utf-8') as f:
        old_readme = f.read()
    new_readme = replace_between_markers(
        old_readme,
        results_markdown(rows, gid, posixpath.dirname(_rel(readme, root)),
                         log_hint), readme)
    meta = metafile_text(rows, gid, _rel(readme, root))
    os.makedirs(osp.dirname(osp.abspath(metafile)), exist_ok=True)
    write_text_atomic(metafile, meta)
    write_text_atomic(readme, new_readme)
    imported = add_import(model_index, _rel(metafile, root))
    summary = [s for s, _ in summarize_by_config(rows)]
    return dict(settings_id=gid, models=len(summary),
                weak_teachers=weak_teachers(summary), imported=imported)
