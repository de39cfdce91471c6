"""OFA-KD's CIFAR-100 schedule for ViT / MLP students (``vit_mlp.yaml``).

From OFA-KD's ``configs/cifar/vit_mlp.yaml``: ``epochs: 300``, ``batch_size:
128`` (one GPU), ``opt: adamw``, ``lr: 5e-4``, ``weight_decay: 0.05`` (none on
1-D parameters, as timm), ``sched: cosine`` to ``min_lr: 1e-5`` after
``warmup_epochs: 20`` from ``warmup_lr: 5e-7``, stepped per epoch, ``clip_grad:
5.0`` (train.py ``--clip-mode norm``); ``smoothing: 0.1`` is folded into the
Mixup / CutMix targets by timm and applied by the students' ``LabelSmoothLoss``
here.
"""
_lr = 5e-4  # vit_mlp.yaml lr
_warmup_epochs = 20  # vit_mlp.yaml warmup_epochs
_epochs = 300  # vit_mlp.yaml epochs

optim_wrapper = dict(
    optimizer=dict(
        type='AdamW',
        lr=_lr,
        weight_decay=0.05,  # vit_mlp.yaml weight_decay
        eps=1e-8,  # train.py --opt-eps None -> torch default
        betas=(0.9, 0.999)),
    paramwise_cfg=dict(flat_decay_mult=0.0),  # timm: no wd on 1-D params
    clip_grad=dict(max_norm=5.0))  # vit_mlp.yaml clip_grad, --clip-mode norm

# timm 0.6.5's CosineLRScheduler (warmup_prefix=False, t_in_epochs): a linear
# warm-up from warmup_lr, then the cosine evaluated at the absolute epoch.
# Both schedulers run from epoch 0 (the warm-up overrides the cosine's first
# epochs); mmengine's LinearLR reaches its end factor at `end - 1`, hence
# `+ 1`. Per-epoch lr equal to timm's within 1 % of the peak (tested).
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=5e-7 / _lr,  # vit_mlp.yaml warmup_lr
        by_epoch=True,
        begin=0,
        end=_warmup_epochs + 1),
    dict(
        type='CosineAnnealingLR',
        eta_min=1e-5,  # vit_mlp.yaml min_lr
        by_epoch=True,
        begin=0,
        end=_epochs,
        T_max=_epochs),
]

train_cfg = dict(by_epoch=True, max_epochs=_epochs, val_interval=1)

auto_scale_lr = dict(base_batch_size=128)
