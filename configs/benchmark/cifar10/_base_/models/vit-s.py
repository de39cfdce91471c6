"""A small ViT for 32x32 inputs (4x4 patches: 8x8 tokens + cls): ViT teacher.

0.81 M parameters: 6 blocks of width 128, 4 heads. ``vit_s_taps``: blocks 4
and 6 (``mid`` / ``last``, ``(B, 1 + 64, 128)`` tokens, cls token first) and
``feat``, the cls feature entering ``head.fc``.
"""
vit_s = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(
        type='VisionTransformer',
        img_size=32,
        patch_size=4,
        arch=dict(
            embed_dims=128, num_layers=6, num_heads=4,
            feedforward_channels=256),
        drop_path_rate=0.1),
    head=dict(
        type='LinearClsHead',
        num_classes=10,
        in_channels=128,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))

vit_s_taps = dict(
    mid=dict(
        source='backbone.layers.3', channels=128, layout='nlc',
        num_extra_tokens=1, grid=8),
    last=dict(
        source='backbone.layers.5', channels=128, layout='nlc',
        num_extra_tokens=1, grid=8),
    feat=dict(source='head.fc', channels=128))
