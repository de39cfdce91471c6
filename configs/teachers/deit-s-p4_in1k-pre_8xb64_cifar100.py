"""CIFAR-100 DeiT-S/4 teacher, fine-tuned from the ImageNet-1K zoo weights.

DeiT-S with 4x4 patches on 32x32 images (8x8 tokens, ``_base_/models/
cifar100_32px.py``), 8 GPUs x 64, AdamW, 100 epochs, DeiT augmentations.
The backbone starts from ``deit-small_4xb256_in1k``: the 14x14 position
embedding is resized to 8x8 by mmpretrain's load hook, the 16x16 patch
projection does not fit 4x4 patches and is skipped with a logged
size-mismatch warning (trained from scratch); all transformer blocks load.

    tools/dist_train.sh configs/teachers/deit-s-p4_in1k-pre_8xb64_cifar100.py 8

writes ``work_dirs/deit-s-p4_in1k-pre_8xb64_cifar100/epoch_100.pth``, the
``teacher_ckpt`` of the ``*_deit-s-p4_*_cifar100.py`` distillation configs.
"""
_base_ = [
    '../_base_/models/cifar100_32px.py',
    '../_base_/datasets/cifar100_bs64_deit.py',
    '../_base_/schedules/cifar100_bs512_adamw_300e.py',
    '../_base_/default_runtime.py',  # mmpretrain's + run-safety hooks
]

pretrained = 'https://download.openmmlab.com/mmclassification/v0/deit/deit-small_pt-4xb256_in1k_20220218-9425b9bb.pth'  # noqa: E501

model = _base_.deit_s_p4_cifar100
model.backbone.init_cfg = dict(
    type='Pretrained', checkpoint=pretrained, prefix='backbone.')

train_cfg = dict(max_epochs=100)
