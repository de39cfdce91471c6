"""Plots and a text table of a :class:`FeatureSpectrumAnalyzer` result."""
from __future__ import annotations

import math
from typing import Dict, List

import matplotlib

matplotlib.use('Agg')  # files only, no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from .analyzer import cka_keys  # noqa: E402


def _fraction_label(name: str, summary: Dict, scale: int) -> str:
    """Legend entry: who, and the energy share below the largest scale."""
    fraction = summary['low_freq_fraction'][str(scale)]
    return f'{name} ({fraction:.0%} below {scale}x{scale})'


def plot_spectra(result: Dict, filename: str) -> None:
    """One panel per stage: teacher and every student's relative spectrum.

    Args:
        result (dict): The analyzer result.
        filename (str): PNG path.
    """
    stages = list(result['stages'])
    fig, axes = plt.subplots(1, len(stages), figsize=(5 * len(stages), 4),
                             squeeze=False)
    for ax, name in zip(axes[0], stages):
        info = result['stages'][name]
        top = max(info['scales'])
        curves = [('teacher', result['teacher'][name], dict(color='black',
                                                            linewidth=2.5))]
        curves += [(label, student['spectra'][name], dict(linewidth=1.5))
                   for label, student in result['students'].items()]
        for who, summary, style in curves:
            ax.plot(summary['freqs'], summary['relative_power'], marker='.',
                    label=_fraction_label(who, summary, top), **style)
        ax.set_yscale('log')
        ax.set_xlabel('normalised radial frequency (1 = Nyquist)')
        ax.set_ylabel('relative power (white noise = 1)')
        ax.set_title(f'{name}\nT {info["teacher_recorder"]} '
                     f'{info["teacher_map"]} / S {info["student_recorder"]} '
                     f'{info["student_map"]}', fontsize=9)
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(filename, dpi=100)
    plt.close(fig)


def cka_matrix(result: Dict, label: str) -> np.ndarray:
    """Teacher-student CKA of one student as a ``stage x comparison`` grid.

    Args:
        result (dict): The analyzer result.
        label (str): The student label.

    Returns:
        np.ndarray: ``(num_stages, len(cka_columns(result)))``; NaN where a
        stage lacks a scale.
    """
    columns = cka_columns(result)
    cka = result['students'][label]['cka']
    return np.array([[cka[stage].get(col, math.nan) for col in columns]
                     for stage in result['stages']], dtype=float)


def cka_columns(result: Dict) -> List[str]:
    """``['raw', 's1', ...]`` over the union of all stages' scales.

    Args:
        result (dict): The analyzer result.

    Returns:
        list[str]: Column names of :func:`cka_matrix`.
    """
    scales = sorted({s for info in result['stages'].values()
                     for s in info['scales']})
    return cka_keys(scales)


def plot_cka(result: Dict, label: str, filename: str) -> None:
    """Heat map of one student's CKA with the teacher, stage x comparison.

    Args:
        result (dict): The analyzer result.
        label (str): The student label.
        filename (str): PNG path.
    """
    matrix = cka_matrix(result, label)
    columns = cka_columns(result)
    stages = list(result['stages'])
    fig, ax = plt.subplots(figsize=(1.2 * len(columns) + 2.5,
                                    0.6 * len(stages) + 1.8))
    image = ax.imshow(np.ma.masked_invalid(matrix), vmin=0, vmax=1,
                      cmap='viridis')
    ax.set_xticks(range(len(columns)),
                  [c if c == 'raw' else f'{c[1:]}x{c[1:]}' for c in columns])
    ax.set_yticks(range(len(stages)), stages)
    for (row, col), value in np.ndenumerate(matrix):
        if not math.isnan(value):
            ax.text(col, row, f'{value:.2f}', ha='center', va='center',
                    color='white' if value < 0.6 else 'black')
    ax.set_xlabel('raw, or after the low-pass to s x s')
    ax.set_title(f'linear CKA ({result["cka_estimator"]}): teacher vs '
                 f'{label}')
    fig.colorbar(image, ax=ax)
    fig.tight_layout()
    fig.savefig(filename, dpi=100)
    plt.close(fig)


def format_table(result: Dict) -> str:
    """A short text table: per student and stage, CKA and energy shares.

    Args:
        result (dict): The analyzer result.

    Returns:
        str: Fixed-width table, one row per (student, stage).
    """
    columns = cka_columns(result)
    header = (['student', 'stage'] + [f'CKA {c}' for c in columns]
              + ['low-freq T', 'low-freq S'])
    rows = [header]
    for label, student in result['students'].items():
        for stage, info in result['stages'].items():
            top = str(max(info['scales']))
            cka = student['cka'][stage]
            teacher_low = result['teacher'][stage]['low_freq_fraction'][top]
            student_low = student['spectra'][stage]['low_freq_fraction'][top]
            rows.append(
                [label, stage]
                + [f'{cka[c]:.3f}' if c in cka else '-' for c in columns]
                + [f'{teacher_low:.3f}', f'{student_low:.3f}'])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ['  '.join(cell.ljust(w) for cell, w in zip(row, widths))
             for row in rows]
    lines.insert(1, '  '.join('-' * w for w in widths))
    note = ('low-freq T/S: share of teacher/student feature energy below '
            "each stage's largest scale")
    return '\n'.join(lines + [note])
