"""resnet18-w16 (CNN) teacher, digits (the quickstart's teacher).

Every training digit, 6 epochs (``_base_/teacher_run.py``). The network is
the CIFAR-10 grid's ``res18-w16`` (``configs/benchmark/cifar10/_base_/
models/res18-w16.py``: ResNet-18, CIFAR stem, base width 16, 0.70 M), which
the quickstart names ``resnet18-w16``.
``tools/train.py`` writes its last checkpoint to
``work_dirs/resnet18-w16_digits/epoch_6.pth``, the default
``teacher_ckpt`` of the pair configs it teaches.
"""
_base_ = [
    '../_base_/teacher_run.py',
    '../../cifar10/_base_/models/res18-w16.py',
]

model = _base_.res18_w16
