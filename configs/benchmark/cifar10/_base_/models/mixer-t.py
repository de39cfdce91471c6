"""A tiny MLP-Mixer for 32x32 inputs (4x4 patches: 8x8 tokens): MLP student.

0.18 M parameters: 4 blocks of width 96. ``mixer_t_taps``: blocks 3 and 4
(``mid`` / ``last``, ``(B, 64, 96)`` tokens, no cls token) and ``feat``, the
token average entering ``head.fc``.
"""
mixer_t = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(
        type='MlpMixer',
        img_size=32,
        patch_size=4,
        arch=dict(
            embed_dims=96, num_layers=4, tokens_mlp_dims=48,
            channels_mlp_dims=192),
        drop_path_rate=0.1),
    neck=dict(type='GlobalAveragePooling', dim=1),
    head=dict(
        type='LinearClsHead',
        num_classes=10,
        in_channels=96,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))

mixer_t_taps = dict(
    mid=dict(source='backbone.layers.2', channels=96, layout='nlc', grid=8),
    last=dict(source='backbone.layers.3', channels=96, layout='nlc', grid=8),
    feat=dict(source='head.fc', channels=96))
