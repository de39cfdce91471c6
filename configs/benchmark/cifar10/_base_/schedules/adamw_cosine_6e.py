"""Teacher schedule: ``adamw_cosine_4e.py`` over 6 epochs.

Same optimiser, warm-up and cosine; 1.5x the student's epochs over, in the
teacher configs, 9x its images (13.5x its image-steps), so that every
teacher ends clearly above its students trained from scratch. Six epochs
is what fits: the two teachers take about 45 minutes side by side on two
CPU cores.
"""
_base_ = ['./adamw_cosine_4e.py']

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
