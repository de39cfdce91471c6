"""Student config: MLP-Mixer-S/16 on ImageNet-1K (no mmpretrain config ships it).

The student of the distillation configs that set
``model.architecture=_base_.mixer_s16``, as a plain mmpretrain config (no
teacher, no distiller): the same model, the same recipe and data pipelines,
the plain validation loop. Use it with an exported student checkpoint
(``tools/model_converters/extract_student.py``):

    python tools/test.py configs/students/mixer-s16_8xb128_in1k.py student.pth

or ``lfcc_mm.apis.init_student`` / ``mmpretrain.apis.init_model``; with
``tools/train.py`` it trains the student alone (from scratch).
"""
_base_ = [
    '../_base_/recipes/in1k_adamw-300e-deit_8xb128.py',
    '../_base_/models/imagenet_zoo.py',
]

model = _base_.mixer_s16
val_cfg = dict(_delete_=True, type='ValLoop')
