"""32x32-input teachers and students for CIFAR-100.

ResNets use mmpretrain's ``ResNet_CIFAR`` stem (3x3 conv, stride 1, no
max-pool): stage maps of 32, 16, 8 and 4 pixels. ViT and MLP-Mixer use 4x4
patches: an 8x8 token grid, as 16x16 patches give 14x14 at 224.

The teachers' ``*_ckpt`` are written by the fine-tuning configs in
``configs/teachers/`` (ImageNet-1K zoo weights fine-tuned on CIFAR-100; no
CIFAR-100 teacher exists in mmpretrain's zoo): run those first. The paths
are their last epoch under the default ``work_dirs/<config name>/``.

Each teacher's ``*_data_preprocessor`` is the input normalisation of its
fine-tuning config (mmpretrain's ``cifar100_bs16`` statistics, 32 px), passed
by the pair configs as ``teacher_data_preprocessor``. It equals the students'
normalisation here, so the re-normalisation is the identity; it is set
anyway so that a teacher fine-tuned with other statistics needs one edit.
"""
# RGB statistics of mmpretrain's _base_/datasets/cifar100_bs16.py.
_cifar100_rgb = dict(
    mean=[129.304, 124.070, 112.434], std=[68.170, 65.392, 70.418])

_vit_init = [
    dict(type='TruncNormal', layer='Linear', std=.02),
    dict(type='Constant', layer='LayerNorm', val=1., bias=0.),
]
_smooth_loss = dict(
    type='LabelSmoothLoss', label_smooth_val=0.1, mode='original')

# Teachers.
resnet50_cifar100 = dict(
    cfg_path='mmpretrain::resnet/resnet50_8xb16_cifar100.py', pretrained=False)
resnet50_cifar100_ckpt = 'work_dirs/res50_in1k-pre_8xb16_cifar100/epoch_200.pth'  # noqa: E501
resnet50_cifar100_data_preprocessor = _cifar100_rgb

deit_s_p4_cifar100 = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(
        type='VisionTransformer', arch='deit-small', img_size=32,
        patch_size=4),
    head=dict(
        type='VisionTransformerClsHead',
        num_classes=100,
        in_channels=384,
        loss=_smooth_loss),
    init_cfg=_vit_init)
deit_s_p4_cifar100_ckpt = 'work_dirs/deit-s-p4_in1k-pre_8xb64_cifar100/epoch_100.pth'  # noqa: E501
deit_s_p4_cifar100_data_preprocessor = _cifar100_rgb

# Students.
resnet18_cifar100 = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(type='ResNet_CIFAR', depth=18),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=100,
        in_channels=512,
        loss=dict(type='CrossEntropyLoss')))

deit_t_p4_cifar100 = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(
        type='VisionTransformer', arch='deit-tiny', img_size=32, patch_size=4),
    head=dict(
        type='VisionTransformerClsHead',
        num_classes=100,
        in_channels=192,
        loss=_smooth_loss),
    init_cfg=_vit_init)

mixer_s_p4_cifar100 = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(type='MlpMixer', arch='s', img_size=32, patch_size=4),
    neck=dict(type='GlobalAveragePooling', dim=1),
    head=dict(
        type='LinearClsHead',
        num_classes=100,
        in_channels=512,
        loss=_smooth_loss),
    init_cfg=_vit_init)
