"""Teacher schedule: ``adamw_cosine_12e.py`` over 6 epochs.

Same optimiser, warm-up and cosine; half the students' epochs: the CNN
teacher learns the digits fast, and the quickstart keeps it cheap.
"""
_base_ = ['./adamw_cosine_12e.py']

_lr = 2e-3
_epochs = 6

param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=1e-2,
        by_epoch=True,
        begin=0,
        end=1,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        by_epoch=True,
        begin=1,
        end=_epochs,
        T_max=_epochs - 1,
        eta_min=_lr * 1e-2,
        convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=_epochs, val_interval=_epochs)
