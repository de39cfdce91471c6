"""Everything a student run shares: every training digit, 12 epochs.

The digits (``datasets/digits.py``), the 12-epoch AdamW schedule and the
runtime. A pair x method config adds the models (the CIFAR-10 grid's
``configs/benchmark/cifar10/_base_/models/``) and the method
(``methods/``).
"""
_base_ = [
    './datasets/digits.py',
    './schedules/adamw_cosine_12e.py',
    './runtime.py',
]
