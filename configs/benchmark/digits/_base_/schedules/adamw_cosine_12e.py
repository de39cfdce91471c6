"""Student schedule: AdamW 2e-3, wd 0.05, 1-epoch warm-up, cosine, 12 epochs.

The optimisation of ``configs/benchmark/cifar10`` (the usual recipe of ViT
students, used for the CNN teacher too): the learning rate warms up
linearly from 1 % over the first epoch, then follows a cosine down to 1 %
at the last epoch (both per iteration). Validation comes after the last
epoch (and so does the one checkpoint, see ``runtime.py``).
"""
_lr = 2e-3
_epochs = 12

optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=_lr, weight_decay=0.05))
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
train_cfg = dict(by_epoch=True, max_epochs=_epochs, val_interval=_epochs)
