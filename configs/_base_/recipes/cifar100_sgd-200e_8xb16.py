"""CIFAR-100 recipe for CNN students (32x32 ResNet-18).

mmpretrain's CIFAR-100 ResNet recipe (``resnet50_8xb16_cifar100``): 8 GPUs x
16 images (global batch 128), SGD lr 0.1, wd 5e-4, 200 epochs, RandomCrop +
flip. A pair config adds ``_base_/methods/<method>_cifar100.py``.

The Runner merges the top-level ``data_preprocessor`` into ``model`` (the
distillation algorithm), as in mmpretrain configs; the validation loop
reports both the student and the teacher.
"""
_base_ = [
    'mmpretrain::_base_/datasets/cifar100_bs16.py',
    '../schedules/cifar100_bs128_sgd_200e.py',
    '../distill_runtime.py',
]

data_preprocessor = dict(type='mmpretrain.ClsDataPreprocessor')
# Drop an epoch's last, incomplete batch (a 1-sample batch has no negatives
# for LFCCLoss); mmengine passes drop_last to the DataLoader.
train_dataloader = dict(drop_last=True)
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
