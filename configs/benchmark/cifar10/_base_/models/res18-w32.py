"""ResNet-18 (CIFAR stem) of base width 32 for 32x32 inputs: CNN teacher.

2.8 M parameters. Stride-2 first stage, so the stage maps are 16x16, 8x8,
4x4 and 4x4. ``res18_w32_taps``: see ``res18-w16.py``.
"""
res18_w32 = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(
        type='ResNet_CIFAR',
        depth=18,
        base_channels=32,
        stem_channels=32,
        strides=(2, 2, 2, 1)),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=10,
        in_channels=256,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))

res18_w32_taps = dict(
    mid=dict(source='backbone.layer3', channels=128, layout='nchw', grid=4),
    last=dict(source='backbone.layer4', channels=256, layout='nchw', grid=4),
    feat=dict(source='head.fc', channels=256))
