# A distillation config small enough for multi-process tests on 2 CPU cores:
# a 2-layer, 32-dim ViT student learns from an 8-channel CIFAR ResNet-18
# teacher on 32x32 images in the CustomDataset folder layout
# (data/tiny/<class>/<image>.png, relative to the working directory).
custom_imports = dict(imports=['lfcc_mm'], allow_failed_imports=False)
default_scope = 'mmrazor'

num_classes = 2
data_root = 'data/tiny'

student = dict(
    type='ImageClassifier',
    _scope_='mmpretrain',
    backbone=dict(
        type='VisionTransformer',
        arch=dict(
            embed_dims=32, num_layers=2, num_heads=2,
            feedforward_channels=64),
        img_size=32,
        patch_size=8,
        out_type='cls_token'),
    head=dict(
        type='VisionTransformerClsHead',
        num_classes=num_classes,
        in_channels=32,
        loss=dict(type='CrossEntropyLoss')))
teacher = dict(
    type='ImageClassifier',
    _scope_='mmpretrain',
    backbone=dict(
        type='ResNet_CIFAR',
        depth=18,
        base_channels=8,
        stem_channels=8),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=num_classes,
        in_channels=64,
        loss=dict(type='CrossEntropyLoss')))

model = dict(
    type='LFCC',
    architecture=student,
    teacher=teacher,
    data_preprocessor=dict(
        type='ImgDataPreprocessor',
        mean=[127.5, 127.5, 127.5],
        std=[127.5, 127.5, 127.5],
        bgr_to_rgb=True),
    distiller=dict(
        type='CheckedDistiller',
        student_recorders=dict(
            s2=dict(type='ModuleOutputs', source='backbone.layers.1')),
        teacher_recorders=dict(
            t4=dict(type='ModuleOutputs', source='backbone.layer4')),
        connectors=dict(
            s2=dict(
                type='LFCCConnector', in_channels=32, embed_dim=16,
                scales=(1, 2), layout='nlc', num_extra_tokens=1),
            t4=dict(
                type='LFCCConnector', in_channels=64, embed_dim=16,
                scales=(1, 2), layout='nchw')),
        distill_losses=dict(loss_lfcc=dict(type='LFCCLoss', loss_weight=1.0)),
        loss_forward_mappings=dict(
            loss_lfcc=dict(
                preds_S=dict(from_student=True, recorder='s2', connector='s2'),
                preds_T=dict(
                    from_student=False, recorder='t4', connector='t4')))))

pipeline = [
    dict(type='mmpretrain.LoadImageFromFile'),
    dict(type='mmpretrain.PackInputs'),
]
train_dataloader = dict(
    batch_size=4,
    num_workers=0,
    dataset=dict(
        type='mmpretrain.CustomDataset', data_root=data_root,
        pipeline=pipeline),
    sampler=dict(type='InfiniteSampler', shuffle=True))
val_dataloader = dict(
    batch_size=4,
    num_workers=0,
    dataset=dict(
        type='mmpretrain.CustomDataset', data_root=data_root,
        pipeline=pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False))
test_dataloader = val_dataloader
val_evaluator = dict(type='mmpretrain.Accuracy', topk=(1, ))
test_evaluator = val_evaluator

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=1e-4))
# A schedule that does not depend on max_iters, so a run stopped early and
# resumed sees the same learning rates as an uninterrupted one.
param_scheduler = dict(
    type='MultiStepLR', by_epoch=False, milestones=[3], gamma=0.1)
train_cfg = dict(type='IterBasedTrainLoop', max_iters=4, val_interval=4)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=1),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', interval=2, by_epoch=False),
    sampler_seed=dict(type='DistSamplerSeedHook'))
log_processor = dict(by_epoch=False)
log_level = 'INFO'
env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'))
randomness = dict(seed=0, deterministic=True)
load_from = None
resume = False
