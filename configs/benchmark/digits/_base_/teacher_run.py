"""Everything a teacher run shares: every training digit, 6 epochs.

The students' data, optimiser and runtime (``student_run.py``) over the
CIFAR-10 grid's 6-epoch teacher schedule.
"""
_base_ = [
    './datasets/digits.py',
    '../../cifar10/_base_/schedules/adamw_cosine_6e.py',
    './runtime.py',
]
