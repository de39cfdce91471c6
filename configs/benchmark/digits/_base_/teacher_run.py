"""Everything a teacher run shares: every training digit, 6 epochs.

The students' data, optimiser and runtime (``student_run.py``) over the
6-epoch schedule.
"""
_base_ = [
    './datasets/digits.py',
    './schedules/adamw_cosine_6e.py',
    './runtime.py',
]
