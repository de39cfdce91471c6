"""From scratch: DeiT-T on ImageNet-1K, the recipe of its LFCC pairs.

The "Δ vs scratch" reference of the DeiT-T rows in
``configs/lfcc/README.md``: the same student and recipe
(``_base_/recipes/in1k_adamw-300e-deit_8xb128.py``: the DeiT recipe, AdamW,
300 epochs, 8 GPUs x 128) as ``lfcc_res50_deit-t_8xb128_in1k.py``, trained
alone with its own (label-smoothed, Mixup / CutMix) loss, inside MMRazor's
plain ``BaseAlgorithm`` (see ``scratch_res18_8xb32_in1k.py``).
"""
_base_ = [
    '../../_base_/recipes/in1k_adamw-300e-deit_8xb128.py',
    '../../_base_/models/imagenet_zoo.py',
]

model = dict(
    _scope_='mmrazor', type='BaseAlgorithm', architecture=_base_.deit_t)
val_cfg = dict(_delete_=True)  # no teacher to validate
