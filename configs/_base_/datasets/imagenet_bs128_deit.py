"""ImageNet-1K with the DeiT augmentations, 128 images per GPU.

mmpretrain's ``imagenet_bs64_swin_224`` pipeline (RandomResizedCrop bicubic,
flip, RandAugment ``timm_increasing`` m9-mstd0.5, RandomErasing 0.25) plus
Mixup (alpha 0.8) and CutMix (alpha 1.0) as batch augmentations, as in
``mmpretrain::deit/deit-tiny_4xb256_in1k.py``. Batch augmentations run in the
data preprocessor, which for distillation is the algorithm's: teacher and
student see the same mixed images.
"""
_base_ = ['mmpretrain::_base_/datasets/imagenet_bs64_swin_224.py']

data_preprocessor = dict(
    batch_augments=dict(augments=[
        dict(type='Mixup', alpha=0.8),
        dict(type='CutMix', alpha=1.0),
    ]))

# drop_last: an epoch's last, incomplete batch is dropped (mmengine passes
# it to the DataLoader); a 1-sample batch has no negatives for LFCCLoss.
train_dataloader = dict(batch_size=128, drop_last=True)
