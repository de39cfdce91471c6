"""ImageNet-1K teachers and students: mmpretrain model-zoo configs + weights.

``cfg_path`` entries build the exact model of an mmpretrain config (MMRazor's
registry hands them to ``mmengine.hub.get_model``); ``pretrained=False``
because teachers get their weights from ``teacher_ckpt`` (loaded strictly by
``LFCC``) and students start from scratch. Each ``*_ckpt`` is the zoo
checkpoint that mmpretrain's metafile lists for that very config (top-1 on
ImageNet-1K val from the same metafile).

Each teacher's ``*_data_preprocessor`` is the input normalisation its zoo
accuracy was measured with: the ``mean`` / ``std`` of the ``data_preprocessor``
in the dataset base of its own mmpretrain config (named next to it). Pair
configs pass it as ``teacher_data_preprocessor``: ``FrozenTeacherDistill``
re-normalises the student-normalised batch to these statistics before the
teacher runs. Every teacher here is evaluated at 224 px, as the students
are, so none needs a ``size``.
"""
# RGB statistics of the ImageNet dataset bases (imagenet_bs32,
# imagenet_bs64_swin_224): mmpretrain's default.
_imagenet_rgb = dict(
    mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375])

# Teachers.
# ResNet-50 (CNN), 76.55% top-1.
resnet50 = dict(
    cfg_path='mmpretrain::resnet/resnet50_8xb32_in1k.py', pretrained=False)
resnet50_ckpt = 'https://download.openmmlab.com/mmclassification/v0/resnet/resnet50_8xb32_in1k_20210831-ea4938fc.pth'  # noqa: E501
resnet50_data_preprocessor = _imagenet_rgb  # _base_/datasets/imagenet_bs32
# ConvNeXt-T (CNN), 82.14% top-1.
convnext_t = dict(
    cfg_path='mmpretrain::convnext/convnext-tiny_32xb128_in1k.py',
    pretrained=False)
convnext_t_ckpt = 'https://download.openmmlab.com/mmclassification/v0/convnext/convnext-tiny_32xb128_in1k_20221207-998cf3e9.pth'  # noqa: E501
convnext_t_data_preprocessor = _imagenet_rgb  # imagenet_bs64_swin_224
# DeiT-S (ViT), 80.69% top-1.
deit_s = dict(
    cfg_path='mmpretrain::deit/deit-small_4xb256_in1k.py', pretrained=False)
deit_s_ckpt = 'https://download.openmmlab.com/mmclassification/v0/deit/deit-small_pt-4xb256_in1k_20220218-9425b9bb.pth'  # noqa: E501
deit_s_data_preprocessor = _imagenet_rgb  # imagenet_bs64_swin_224
# Swin-T (hierarchical ViT), 81.18% top-1.
swin_t = dict(
    cfg_path='mmpretrain::swin_transformer/swin-tiny_16xb64_in1k.py',
    pretrained=False)
swin_t_ckpt = 'https://download.openmmlab.com/mmclassification/v0/swin-transformer/swin_tiny_224_b16x64_300e_imagenet_20210616_090925-66df6be6.pth'  # noqa: E501
swin_t_data_preprocessor = _imagenet_rgb  # imagenet_bs64_swin_224
# MLP-Mixer-B/16 (MLP), 76.68% top-1.
mixer_b16 = dict(
    cfg_path='mmpretrain::mlp_mixer/mlp-mixer-base-p16_64xb64_in1k.py',
    pretrained=False)
mixer_b16_ckpt = 'https://download.openmmlab.com/mmclassification/v0/mlp-mixer/mixer-base-p16_3rdparty_64xb64_in1k_20211124-1377e3e0.pth'  # noqa: E501
# imagenet_bs64_mixer_224: "Google research" inputs in [-1, 1], not
# ImageNet's statistics (which would scale its inputs ~2.2x).
mixer_b16_data_preprocessor = dict(mean=[127.5] * 3, std=[127.5] * 3)

# Students (trained from scratch).
resnet18 = dict(
    cfg_path='mmpretrain::resnet/resnet18_8xb32_in1k.py', pretrained=False)
mobilenet_v2 = dict(
    cfg_path='mmpretrain::mobilenet_v2/mobilenet-v2_8xb32_in1k.py',
    pretrained=False)
deit_t = dict(
    cfg_path='mmpretrain::deit/deit-tiny_4xb256_in1k.py', pretrained=False)
# MLP-Mixer-S/16 (no mmpretrain config ships it): MlpMixer arch 's' (8
# layers, 512 channels, token MLP 256, channel MLP 2048; 196 tokens at 224)
# with the head loss of the DeiT recipe (label smoothing, soft Mixup labels).
mixer_s16 = dict(
    _scope_='mmpretrain',
    type='ImageClassifier',
    backbone=dict(type='MlpMixer', arch='s', img_size=224, patch_size=16),
    neck=dict(type='GlobalAveragePooling', dim=1),
    head=dict(
        type='LinearClsHead',
        num_classes=1000,
        in_channels=512,
        loss=dict(
            type='LabelSmoothLoss', label_smooth_val=0.1, mode='original')),
    init_cfg=[
        dict(type='TruncNormal', layer='Linear', std=.02),
        dict(type='Constant', layer='LayerNorm', val=1., bias=0.),
    ])
