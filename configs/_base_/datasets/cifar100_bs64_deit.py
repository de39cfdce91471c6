"""CIFAR-100 (32x32) with the DeiT augmentations, 64 images per GPU.

mmpretrain's ``cifar100_bs16`` (RandomCrop 32 pad 4, flip) plus the DeiT
recipe of ``imagenet_bs128_deit.py``: RandAugment, RandomErasing, Mixup and
CutMix. For ViT / MLP-Mixer models trained or fine-tuned on CIFAR-100.
"""
_base_ = ['mmpretrain::_base_/datasets/cifar100_bs16.py']

# CIFAR images are loaded as RGB.
rgb_mean = [129.304, 124.070, 112.434]
rgb_std = [68.170, 65.392, 70.418]

data_preprocessor = dict(
    batch_augments=dict(augments=[
        dict(type='Mixup', alpha=0.8),
        dict(type='CutMix', alpha=1.0),
    ]))

train_pipeline = [
    dict(type='RandomCrop', crop_size=32, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(
        type='RandAugment',
        policies='timm_increasing',
        num_policies=2,
        total_level=10,
        magnitude_level=9,
        magnitude_std=0.5,
        hparams=dict(pad_val=[round(x) for x in rgb_mean])),
    dict(
        type='RandomErasing',
        erase_prob=0.25,
        mode='rand',
        min_area_ratio=0.02,
        max_area_ratio=1 / 3,
        fill_color=rgb_mean,
        fill_std=rgb_std),
    dict(type='PackInputs'),
]

# drop_last: an epoch's last, incomplete batch is dropped (mmengine passes
# it to the DataLoader); a 1-sample batch has no negatives for LFCCLoss.
train_dataloader = dict(
    batch_size=64, drop_last=True, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(batch_size=64)
test_dataloader = val_dataloader
