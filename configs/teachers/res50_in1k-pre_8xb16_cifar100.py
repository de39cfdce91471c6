"""CIFAR-100 ResNet-50 teacher, fine-tuned from the ImageNet-1K zoo weights.

mmpretrain's own CIFAR-100 recipe ``resnet/resnet50_8xb16_cifar100.py``
(32x32 ``ResNet_CIFAR`` stem, 8 GPUs x 16, SGD, 200 epochs) with the backbone
initialised from ``resnet50_8xb32_in1k``. The ImageNet 7x7 stem conv does not
fit the 3x3 CIFAR stem: ``backbone.conv1.weight`` is skipped with a logged
size-mismatch warning, every other backbone weight is loaded.

    tools/dist_train.sh configs/teachers/res50_in1k-pre_8xb16_cifar100.py 8

writes ``work_dirs/res50_in1k-pre_8xb16_cifar100/epoch_200.pth``, the
``teacher_ckpt`` of the ``*_res50_*_cifar100.py`` distillation configs.
"""
_base_ = ['mmpretrain::resnet/resnet50_8xb16_cifar100.py']

pretrained = 'https://download.openmmlab.com/mmclassification/v0/resnet/resnet50_8xb32_in1k_20210831-ea4938fc.pth'  # noqa: E501

model = dict(
    backbone=dict(
        init_cfg=dict(
            type='Pretrained', checkpoint=pretrained, prefix='backbone.')))

# The run-safety hooks of every runtime here (configs/_base_/
# default_runtime.py; this config inherits mmpretrain's whole recipe):
# atomic checkpoints, a stop at a non-finite loss, one run per work dir,
# a last batch big enough for a contrastive loss.
custom_imports = dict(imports=['lfcc_mm'], allow_failed_imports=False)
default_hooks = dict(
    checkpoint=dict(type='AtomicCheckpointHook'),
    non_finite=dict(type='NonFiniteLossHook'),
    work_dir_lock=dict(type='WorkDirLockHook'),
    batch_check=dict(type='LastBatchCheckHook'))

# As every config here: drop an epoch's last, incomplete batch.
train_dataloader = dict(drop_last=True)
