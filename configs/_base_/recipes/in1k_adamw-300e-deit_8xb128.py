"""ImageNet-1K recipe for ViT and MLP-Mixer students (DeiT-T, Mixer-S/16).

The DeiT recipe of ``mmpretrain::deit/deit-tiny_4xb256_in1k.py`` at the same
global batch 1024 (8 GPUs x 128): AdamW lr 1e-3, 300 epochs, RandAugment,
RandomErasing, Mixup and CutMix. A pair config adds
``_base_/methods/<method>.py``.

The Runner merges the top-level ``data_preprocessor`` into ``model`` (the
distillation algorithm), as in mmpretrain configs; the validation loop
reports both the student and the teacher.
"""
_base_ = [
    '../datasets/imagenet_bs128_deit.py',
    '../schedules/imagenet_bs1024_adamw_deit.py',
    '../distill_runtime.py',
]

data_preprocessor = dict(type='mmpretrain.ClsDataPreprocessor')
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
