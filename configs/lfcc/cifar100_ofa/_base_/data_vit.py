"""CIFAR-100 upsampled to 224 px, OFA-KD's pipeline for ViT / MLP students.

``data_cnn.py`` plus what OFA-KD's ``configs/cifar/vit_mlp.yaml`` turns on:
``aa: rand-m9-mstd0.5-inc1`` (RandAugment, 2 ops, magnitude 9, std 0.5,
the "increasing" ops), ``reprob: 0.25`` (random erasing, train.py
``--remode pixel``: per-pixel normal noise, area 0.02-1/3), ``mixup: 0.8``,
``cutmix: 1.0`` (train.py ``--mixup-prob 1 --mixup-switch-prob 0.5``: one of
the two on every batch). ``color_jitter: 0.4`` is set there too, but timm
0.6.5 turns colour jitter off whenever ``aa`` is set, so there is none.

Ours: random erasing runs on the uint8 image before normalisation (timm:
after), with the noise drawn around the CIFAR-100 mean with its std, the
same distribution in pixel units.
"""
_base_ = ['./data_cnn.py']

# data_cnn.py's CIFAR-100 mean / std in 0-255 (OFA-KD train.py).
_mean = [0.5071 * 255, 0.4865 * 255, 0.4409 * 255]
_std = [0.2673 * 255, 0.2564 * 255, 0.2762 * 255]

data_preprocessor = dict(
    batch_augments=dict(augments=[
        dict(type='Mixup', alpha=0.8),  # vit_mlp.yaml mixup: 0.8
        dict(type='CutMix', alpha=1.0),  # vit_mlp.yaml cutmix: 1.0
    ]))

train_pipeline = [
    dict(
        type='RandomResizedCrop',
        scale=224,
        crop_ratio_range=(0.08, 1.0),
        aspect_ratio_range=(3. / 4., 4. / 3.),
        backend='pillow',
        interpolation='bicubic'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(
        type='RandAugment',  # vit_mlp.yaml aa: rand-m9-mstd0.5-inc1
        policies='timm_increasing',
        num_policies=2,
        total_level=10,
        magnitude_level=9,
        magnitude_std=0.5,
        hparams=dict(
            pad_val=[129, 124, 112],  # the mean, rounded
            interpolation='bicubic')),
    dict(
        type='RandomErasing',  # vit_mlp.yaml reprob: 0.25
        erase_prob=0.25,
        mode='rand',
        min_area_ratio=0.02,
        max_area_ratio=1 / 3,
        fill_color=_mean,
        fill_std=_std),
    dict(type='PackInputs'),
]

train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
