"""A tiny ViT for 32x32 inputs (4x4 patches: 8x8 tokens + cls): ViT student.

0.31 M parameters: 4 blocks of width 96, 3 heads; the network of
``configs/benchmark/cifar10``'s ``vit-t``. ``vit_t_taps``: blocks 3 and 4
(``mid`` / ``last``, ``(B, 1 + 64, 96)`` tokens, cls token first).
"""
vit_t = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(
        type='VisionTransformer',
        img_size=32,
        patch_size=4,
        arch=dict(
            embed_dims=96, num_layers=4, num_heads=3,
            feedforward_channels=192),
        drop_path_rate=0.1),
    head=dict(
        type='LinearClsHead',
        num_classes=10,
        in_channels=96,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))

vit_t_taps = dict(
    mid=dict(
        source='backbone.layers.2', channels=96, layout='nlc',
        num_extra_tokens=1, grid=8),
    last=dict(
        source='backbone.layers.3', channels=96, layout='nlc',
        num_extra_tokens=1, grid=8))
