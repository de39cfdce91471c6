# Student config derived from configs/benchmark/cifar10/lfcc_vit-s_res18-w16_cifar10.py by lfcc_mm.apis.student_config:
# the plain mmpretrain model the distillation trained, for tools/test.py,
# lfcc_mm.apis.init_student and mmpretrain.apis.init_model.
_epochs = 4
_lr = 0.002
custom_imports = dict(
    allow_failed_imports=False, imports=[
        'lfcc_mm',
    ])
data_preprocessor = dict(
    mean=[
        125.307,
        122.961,
        113.8575,
    ],
    num_classes=10,
    std=[
        51.5865,
        50.847,
        51.255,
    ],
    to_rgb=True,
    type='mmpretrain.ClsDataPreprocessor')
dataset_type = 'FolderSubsetDataset'
default_hooks = dict(
    batch_check=dict(type='LastBatchCheckHook'),
    checkpoint=dict(
        interval=-1,
        max_keep_ckpts=1,
        save_last=True,
        type='AtomicCheckpointHook'),
    logger=dict(interval=10, type='LoggerHook'),
    non_finite=dict(type='NonFiniteLossHook'),
    param_scheduler=dict(type='ParamSchedulerHook'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    timer=dict(type='IterTimerHook'),
    work_dir_lock=dict(type='WorkDirLockHook'))
default_scope = 'mmpretrain'
env_cfg = dict(
    cudnn_benchmark=False,
    dist_cfg=dict(backend='nccl'),
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0))
find_unused_parameters = False
log_level = 'INFO'
log_processor = dict(by_epoch=True, window_size=10)
model = dict(
    _scope_='mmpretrain',
    backbone=dict(
        base_channels=16,
        depth=18,
        stem_channels=16,
        strides=(
            2,
            2,
            2,
            1,
        ),
        type='ResNet_CIFAR'),
    data_preprocessor=dict(
        mean=[
            125.307,
            122.961,
            113.8575,
        ],
        num_classes=10,
        std=[
            51.5865,
            50.847,
            51.255,
        ],
        to_rgb=True,
        type='mmpretrain.ClsDataPreprocessor'),
    head=dict(
        in_channels=128,
        loss=dict(loss_weight=1.0, type='CrossEntropyLoss'),
        num_classes=10,
        type='LinearClsHead'),
    neck=dict(type='GlobalAveragePooling'),
    type='ImageClassifier')
optim_wrapper = dict(optimizer=dict(lr=0.002, type='AdamW', weight_decay=0.05))
param_scheduler = [
    dict(
        begin=0,
        by_epoch=True,
        convert_to_iter_based=True,
        end=1,
        start_factor=0.01,
        type='LinearLR'),
    dict(
        T_max=3,
        begin=1,
        by_epoch=True,
        convert_to_iter_based=True,
        end=4,
        eta_min=2e-05,
        type='CosineAnnealingLR'),
]
randomness = dict(deterministic=False, seed=0)
res18_w16 = dict(
    _scope_='mmpretrain',
    backbone=dict(
        base_channels=16,
        depth=18,
        stem_channels=16,
        strides=(
            2,
            2,
            2,
            1,
        ),
        type='ResNet_CIFAR'),
    head=dict(
        in_channels=128,
        loss=dict(loss_weight=1.0, type='CrossEntropyLoss'),
        num_classes=10,
        type='LinearClsHead'),
    neck=dict(type='GlobalAveragePooling'),
    type='ImageClassifier')
res18_w16_taps = dict(
    feat=dict(channels=128, source='head.fc'),
    last=dict(channels=128, grid=4, layout='nchw', source='backbone.layer4'),
    mid=dict(channels=64, grid=4, layout='nchw', source='backbone.layer3'))
test_cfg = dict()
test_dataloader = dict(
    batch_size=64,
    dataset=dict(
        data_root='data/cifar10-jpeg/val',
        max_per_class=None,
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='PackInputs'),
        ],
        test_mode=True,
        type='FolderSubsetDataset'),
    num_workers=2,
    persistent_workers=False,
    sampler=dict(shuffle=False, type='DefaultSampler'))
test_evaluator = dict(topk=(1, ), type='Accuracy')
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='PackInputs'),
]
train_cfg = dict(by_epoch=True, max_epochs=4, val_interval=4)
train_dataloader = dict(
    batch_size=64,
    dataset=dict(
        data_root='data/cifar10-jpeg/train',
        max_per_class=500,
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(crop_size=32, padding=4, type='RandomCrop'),
            dict(direction='horizontal', prob=0.5, type='RandomFlip'),
            dict(type='PackInputs'),
        ],
        type='FolderSubsetDataset'),
    drop_last=True,
    num_workers=2,
    persistent_workers=False,
    sampler=dict(shuffle=True, type='DefaultSampler'))
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(crop_size=32, padding=4, type='RandomCrop'),
    dict(direction='horizontal', prob=0.5, type='RandomFlip'),
    dict(type='PackInputs'),
]
val_cfg = dict()
val_dataloader = dict(
    batch_size=64,
    dataset=dict(
        data_root='data/cifar10-jpeg/val',
        max_per_class=None,
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='PackInputs'),
        ],
        test_mode=True,
        type='FolderSubsetDataset'),
    num_workers=2,
    persistent_workers=False,
    sampler=dict(shuffle=False, type='DefaultSampler'))
val_evaluator = dict(topk=(1, ), type='Accuracy')
visualizer = dict(
    type='UniversalVisualizer', vis_backends=[
        dict(type='LocalVisBackend'),
    ])
vit_s = dict(
    _scope_='mmpretrain',
    backbone=dict(
        arch=dict(
            embed_dims=128,
            feedforward_channels=256,
            num_heads=4,
            num_layers=6),
        drop_path_rate=0.1,
        img_size=32,
        patch_size=4,
        type='VisionTransformer'),
    head=dict(
        in_channels=128,
        loss=dict(loss_weight=1.0, type='CrossEntropyLoss'),
        num_classes=10,
        type='LinearClsHead'),
    type='ImageClassifier')
vit_s_taps = dict(
    feat=dict(channels=128, source='head.fc'),
    last=dict(
        channels=128,
        grid=8,
        layout='nlc',
        num_extra_tokens=1,
        source='backbone.layers.5'),
    mid=dict(
        channels=128,
        grid=8,
        layout='nlc',
        num_extra_tokens=1,
        source='backbone.layers.3'))
