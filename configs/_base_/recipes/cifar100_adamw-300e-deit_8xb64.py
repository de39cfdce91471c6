"""CIFAR-100 recipe for ViT and MLP-Mixer students (4x4-patch DeiT-T, Mixer-S).

8 GPUs x 64 images (global batch 512), AdamW lr 5e-4, 300 epochs, the DeiT
augmentations (RandAugment, RandomErasing, Mixup, CutMix) on 32x32 images.
A pair config adds ``_base_/methods/<method>_cifar100.py``.

The Runner merges the top-level ``data_preprocessor`` into ``model`` (the
distillation algorithm), as in mmpretrain configs; the validation loop
reports both the student and the teacher.
"""
_base_ = [
    '../datasets/cifar100_bs64_deit.py',
    '../schedules/cifar100_bs512_adamw_300e.py',
    '../distill_runtime.py',
]

data_preprocessor = dict(type='mmpretrain.ClsDataPreprocessor')
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
