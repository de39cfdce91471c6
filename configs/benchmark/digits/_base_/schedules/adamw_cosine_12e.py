"""Student schedule: the CIFAR-10 grid's ``adamw_cosine_4e.py`` over 12 epochs.

AdamW 2e-3, wd 0.05, a 1-epoch linear warm-up from 1 %, then a cosine down
to 1 % at the last epoch (both per iteration), as every student of
``configs/benchmark/cifar10``; only the number of epochs differs.
Validation comes after the last epoch (and so does the one checkpoint, see
``runtime.py``).
"""
_base_ = ['../../../cifar10/_base_/schedules/adamw_cosine_4e.py']

_epochs = 12

param_scheduler = [
    _base_.param_scheduler[0],
    dict(_base_.param_scheduler[1], end=_epochs, T_max=_epochs - 1),
]
train_cfg = dict(max_epochs=_epochs, val_interval=_epochs)
