"""Student config: CIFAR ResNet-18 (3x3 stem) on CIFAR-100, 32x32 inputs.

The student of the distillation configs that set
``model.architecture=_base_.resnet18_cifar100``, as a plain mmpretrain config (no
teacher, no distiller): the same model, the same recipe and data pipelines,
the plain validation loop. Use it with an exported student checkpoint
(``tools/model_converters/extract_student.py``):

    python tools/test.py configs/students/res18_8xb16_cifar100.py student.pth

or ``lfcc_mm.apis.init_student`` / ``mmpretrain.apis.init_model``; with
``tools/train.py`` it trains the student alone (from scratch).
"""
_base_ = [
    '../_base_/recipes/cifar100_sgd-200e_8xb16.py',
    '../_base_/models/cifar100_32px.py',
]

model = _base_.resnet18_cifar100
val_cfg = dict(_delete_=True, type='ValLoop')
