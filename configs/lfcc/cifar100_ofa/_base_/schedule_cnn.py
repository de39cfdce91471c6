"""OFA-KD's CIFAR-100 schedule for CNN students (``configs/cifar/cnn.yaml``).

``epochs: 300``, ``batch_size: 128`` (one GPU), ``opt: sgd`` (timm 0.6.5's
``sgd`` is Nesterov SGD, train.py ``--momentum 0.9``), ``lr: 0.05``,
``weight_decay: 2e-3`` (timm skips weight decay on 1-D parameters: norms and
biases), ``sched: cosine`` to ``min_lr: 1e-3`` after ``warmup_epochs: 3``
from train.py's ``--warmup-lr 1e-4``, stepped once per epoch; the label
smoothing (``smoothing: 0.1``) is the students' ``LabelSmoothLoss``.

No model EMA (OFA-KD's README command has none).
"""
_lr = 0.05  # cnn.yaml lr
_warmup_epochs = 3  # cnn.yaml warmup_epochs
_epochs = 300  # cnn.yaml epochs

optim_wrapper = dict(
    optimizer=dict(
        type='SGD',
        lr=_lr,
        momentum=0.9,  # train.py --momentum default
        weight_decay=2e-3,  # cnn.yaml weight_decay
        nesterov=True),  # timm create_optimizer_v2('sgd')
    paramwise_cfg=dict(flat_decay_mult=0.0))  # timm: no wd on 1-D params

# timm 0.6.5's CosineLRScheduler (warmup_prefix=False, t_in_epochs): a linear
# warm-up from warmup_lr, then the cosine evaluated at the absolute epoch.
# Both schedulers run from epoch 0 (the warm-up overrides the cosine's first
# epochs); mmengine's LinearLR reaches its end factor at `end - 1`, hence
# `+ 1`. Per-epoch lr equal to timm's within 1 % of the peak (tested).
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=1e-4 / _lr,  # train.py --warmup-lr default 1e-4
        by_epoch=True,
        begin=0,
        end=_warmup_epochs + 1),
    dict(
        type='CosineAnnealingLR',
        eta_min=1e-3,  # cnn.yaml min_lr
        by_epoch=True,
        begin=0,
        end=_epochs,
        T_max=_epochs),
]

train_cfg = dict(by_epoch=True, max_epochs=_epochs, val_interval=1)

# OFA-KD's lr is for batch 128 on one GPU; `--auto-scale-lr` rescales it.
auto_scale_lr = dict(base_batch_size=128)
