"""scratch: resnet18-w16 (CNN) -> vit-t (ViT), digits.

The student alone, cross-entropy only (no teacher, no distiller): the
baseline of the pair's rows.
"""
_base_ = [
    './_base_/student_run.py',
    '../cifar10/_base_/models/vit-t.py',
    './_base_/methods/scratch.py',
]

model = _base_.vit_t
