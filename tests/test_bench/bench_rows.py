"""In-memory ``results.json`` rows of the CIFAR-10 benchmark grid.

Two pairs x (teacher, scratch, kd, lfcc) x 3 seeds; the ``res18-w32`` teacher
is too weak (44 < its scratch mean 40 + 5), the ``vit-s`` one is not.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Sequence

from lfcc_bench.results import RunRecord

BENCH = 'configs/benchmark/cifar10'
FAMILY = {'vit-s': 'ViT', 'res18-w16': 'CNN', 'res18-w32': 'CNN',
          'vit-t': 'ViT'}
#: (teacher, student) -> method -> top-1 per seed; 'teacher' has one seed.
TOP1: Dict[tuple, Dict[str, Sequence[float]]] = {
    ('vit-s', 'res18-w16'): dict(teacher=[80.0], scratch=[50.0, 52.0, 54.0],
                                 kd=[55.0, 56.0, 57.0],
                                 lfcc=[58.0, 60.0, 62.0]),
    ('res18-w32', 'vit-t'): dict(teacher=[44.0], scratch=[39.0, 40.0, 41.0],
                                 kd=[41.0, 42.0, 43.0],
                                 lfcc=[42.0, 43.0, 44.0]),
}


def config_of(method: str, teacher: str, student: str) -> str:
    """Repo-relative config of a run, as the driver records it."""
    if method == 'teacher':
        return f'{BENCH}/teachers/{teacher}_cifar10.py'
    return f'{BENCH}/{method}_{teacher}_{student}_cifar10.py'


def record(method: str, teacher: str, student: str, seed: int, top1: float,
           settings_id: str = 'g1', config: Optional[str] = None,
           log_dir: str = '') -> RunRecord:
    """One row: teacher rows have no pair / student / student family."""
    is_teacher = method == 'teacher'
    return RunRecord(
        pair=None if is_teacher else f'{teacher}_{student}', teacher=teacher,
        student=None if is_teacher else student, method=method, seed=seed,
        top1=top1, wall_s=10.0, epochs=6 if is_teacher else 4, work_dir='w',
        log_dir=log_dir, checkpoint='c', command='cmd',
        settings_id=settings_id, settings=dict(id=settings_id),
        config=config_of(method, teacher, student) if config is None
        else config,
        teacher_family=FAMILY[teacher],
        student_family='' if is_teacher else FAMILY[student])


def grid_rows(settings_id: str = 'g1') -> List[RunRecord]:
    """Every row of :data:`TOP1`, teacher first of each pair, as the driver
    writes them."""
    rows = []
    for (teacher, student), methods in TOP1.items():
        for method, accs in methods.items():
            rows += [record(method, teacher, student, seed, top1,
                            settings_id) for seed, top1 in enumerate(accs)]
    return rows
