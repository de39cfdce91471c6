"""CIFAR-100 upsampled to 224 px, OFA-KD's pipeline for CNN students.

OFA-KD ``train.py`` (github.com/Hao840/OFAKD): torchvision's CIFAR100 images
(32x32, RGB) go through timm 0.6.5's ``create_loader`` with the student's
``resolve_data_config`` (input 224) and, for ``--dataset cifar100``,
``mean=(0.5071, 0.4865, 0.4409)``, ``std=(0.2673, 0.2564, 0.2762)``,
eval interpolation and ``crop_pct`` from the student's timm default config.
With ``configs/cifar/cnn.yaml``
(``color_jitter: 0``, no ``aa``/``reprob``/``mixup``) timm's train
transform is RandomResizedCrop 224 (``--scale 0.08 1``, ``--ratio 3/4 4/3``,
``--train-interpolation random``: bilinear or bicubic at random), then
horizontal flip (``--hflip 0.5``). Eval: resize the short side to
``int(224 / crop_pct)`` with the student's default interpolation (bilinear
for ResNet-18, bicubic for MobileNetV2-100, DeiT-T, ResMLP-S12) and
centre-crop 224; ``crop_pct`` is the student's timm 0.6.5 default
(0.875 -> 256 for ResNet-18, MobileNetV2-100 and
ResMLP-S12; 0.9 -> 248 for DeiT-T). ``test_pipeline`` here is the
ResNet-18 one; each student's own eval pipeline is in ``data_<student>.py``,
which a pair config names.

Ours: mmpretrain's own ``CIFAR100`` dataset; bicubic in place of timm's
random bilinear/bicubic choice (mmpretrain's crop has one interpolation).
"""
dataset_type = 'CIFAR100'

# OFA-KD train.py, `if args.dataset == 'cifar100'`: (0.5071, 0.4865, 0.4409)
# and (0.2673, 0.2564, 0.2762) on [0, 1] images; mmpretrain normalises 0-255.
cifar100_mean = [0.5071 * 255, 0.4865 * 255, 0.4409 * 255]
cifar100_std = [0.2673 * 255, 0.2564 * 255, 0.2762 * 255]

data_preprocessor = dict(
    type='mmpretrain.ClsDataPreprocessor',
    num_classes=100,
    mean=cifar100_mean,
    std=cifar100_std,
    to_rgb=False)  # mmpretrain's CIFAR100 yields RGB arrays

train_pipeline = [
    dict(
        type='RandomResizedCrop',
        scale=224,
        crop_ratio_range=(0.08, 1.0),  # train.py --scale default
        aspect_ratio_range=(3. / 4., 4. / 3.),  # train.py --ratio default
        backend='pillow',
        interpolation='bicubic'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),  # --hflip
    dict(type='PackInputs'),
]


test_pipeline = [
    dict(
        type='ResizeEdge',
        scale=256,  # crop_pct 0.875: int(224 / 0.875)
        edge='short',
        backend='pillow',
        interpolation='bilinear'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=128,  # configs/cifar/*.yaml batch_size: 128 (one GPU)
    num_workers=8,  # train.py -j default
    # timm's create_loader drops the last batch when training
    # (drop_last=is_training); LFCCLoss also needs >= 2 samples per batch.
    drop_last=True,
    dataset=dict(
        type=dataset_type,
        data_root='data/cifar100',
        split='train',
        pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True),
)
val_dataloader = dict(
    batch_size=128,
    num_workers=8,
    dataset=dict(
        type=dataset_type,
        data_root='data/cifar100',
        split='test',
        pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
val_evaluator = dict(type='Accuracy', topk=(1, 5))
test_dataloader = val_dataloader
test_evaluator = val_evaluator
