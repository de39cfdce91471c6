"""ResNet-18 (CIFAR stem) of base width 16 for 32x32 inputs: CNN teacher.

0.70 M parameters; the network of ``configs/benchmark/cifar10``'s
``res18-w16``. Stride-2 first stage, so the stage maps are 16x16, 8x8, 4x4
and 4x4. ``resnet18_w16_taps``: the features the quickstart distils,
``mid`` / ``last`` (stages 3 and 4), with their channels, layout and grid
side.
"""
resnet18_w16 = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(
        type='ResNet_CIFAR',
        depth=18,
        base_channels=16,
        stem_channels=16,
        strides=(2, 2, 2, 1)),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=10,
        in_channels=128,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))

resnet18_w16_taps = dict(
    mid=dict(source='backbone.layer3', channels=64, layout='nchw', grid=4),
    last=dict(source='backbone.layer4', channels=128, layout='nchw', grid=4))
