"""mmpretrain's CIFAR-100 (python pickles): ``cifar10.py`` with 100 classes.

The CIFAR-100 statistics, ``data_root='data/cifar100'``. The benchmark's
model heads have 10 classes: :func:`lfcc_bench.run_config.
load_bench_config` (``dataset='cifar100'``) sets every ``num_classes`` of
the model to the preprocessor's.
"""
_base_ = ['./cifar10.py']

dataset_type = 'CIFAR100'

data_preprocessor = dict(
    num_classes=100,
    mean=[129.304, 124.070, 112.434],
    std=[68.170, 65.392, 70.418])

train_dataloader = dict(
    dataset=dict(type=dataset_type, data_root='data/cifar100'))
val_dataloader = dict(
    dataset=dict(type=dataset_type, data_root='data/cifar100'))
test_dataloader = val_dataloader
