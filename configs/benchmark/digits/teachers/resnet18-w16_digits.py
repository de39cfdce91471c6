"""resnet18-w16 (CNN) teacher, digits (the quickstart's teacher).

Every training digit, 6 epochs (``_base_/teacher_run.py``).
``tools/train.py`` writes its last checkpoint to
``work_dirs/resnet18-w16_digits/epoch_6.pth``, the default
``teacher_ckpt`` of the pair configs it teaches.
"""
_base_ = [
    '../_base_/teacher_run.py',
    '../_base_/models/resnet18-w16.py',
]

model = _base_.resnet18_w16
