"""SGD schedule for CNNs on CIFAR-100, global batch 128.

The recipe of ``mmpretrain::resnet/resnet50_8xb16_cifar100.py``: SGD lr 0.1,
momentum 0.9, wd 5e-4, 200 epochs, lr x0.2 at epochs 60, 120 and 160.
"""
_base_ = ['mmpretrain::_base_/schedules/cifar10_bs128.py']

optim_wrapper = dict(optimizer=dict(weight_decay=0.0005))

param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[60, 120, 160], gamma=0.2)
