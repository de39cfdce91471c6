"""kd: resnet18-w16 (CNN) -> vit-t (ViT), digits.

Hinton KD, cross-entropy + KL(teacher || student) on the logits.

Teacher weights: ``work_dirs/resnet18-w16_digits/epoch_6.pth``, written by
``teachers/resnet18-w16_digits.py``; another file with
``--cfg-options model.teacher_ckpt=PATH``.
"""
_base_ = [
    './_base_/student_run.py',
    '../cifar10/_base_/models/vit-t.py',
    '../cifar10/_base_/models/res18-w16.py',
    './_base_/methods/kd.py',
]

model = dict(
    architecture=_base_.vit_t,
    teacher=_base_.res18_w16,
    teacher_ckpt='work_dirs/resnet18-w16_digits/epoch_6.pth')
