"""Student config: MLP-Mixer-S with 4x4 patches on CIFAR-100, 32x32 inputs.

The student of the distillation configs that set
``model.architecture=_base_.mixer_s_p4_cifar100``, as a plain mmpretrain config (no
teacher, no distiller): the same model, the same recipe and data pipelines,
the plain validation loop. Use it with an exported student checkpoint
(``tools/model_converters/extract_student.py``):

    python tools/test.py configs/students/mixer-s-p4_8xb64_cifar100.py student.pth

or ``lfcc_mm.apis.init_student`` / ``mmpretrain.apis.init_model``; with
``tools/train.py`` it trains the student alone (from scratch).
"""
_base_ = [
    '../_base_/recipes/cifar100_adamw-300e-deit_8xb64.py',
    '../_base_/models/cifar100_32px.py',
]

model = _base_.mixer_s_p4_cifar100
val_cfg = dict(_delete_=True, type='ValLoop')
