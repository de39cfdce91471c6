"""Teacher schedule: ``adamw_cosine_4e.py`` over 6 epochs.

Same optimiser, warm-up and cosine; 1.5x the student's epochs over, in the
teacher configs, 9x its images (13.5x its image-steps), so that every
teacher ends clearly above its students trained from scratch. Six epochs
is what fits a session: side by side on two CPU cores shared with other
work, the two teachers took 70 (vit-s) and 65 (res18-w32) minutes
(logs in ``results/benchmark_cifar10/teachers/``).
"""
_base_ = ['./adamw_cosine_4e.py']

_epochs = 6

param_scheduler = [
    _base_.param_scheduler[0],
    dict(_base_.param_scheduler[1], end=_epochs, T_max=_epochs - 1),
]
train_cfg = dict(max_epochs=_epochs, val_interval=_epochs)
