"""From scratch: MobileNetV2 on ImageNet-1K, the recipe of its LFCC pair.

The "Δ vs scratch" reference of the MobileNetV2 rows in
``configs/lfcc/README.md``: the same student and recipe
(``_base_/recipes/in1k_sgd-300e-mbv2_8xb32.py``: mmpretrain's MobileNetV2
recipe, SGD lr 0.045, wd 4e-5, 300 epochs, 8 GPUs x 32) as
``lfcc_swin-t_mbv2_8xb32_in1k.py``, trained alone with its own
cross-entropy, inside MMRazor's plain ``BaseAlgorithm`` (see
``scratch_res18_8xb32_in1k.py``).
"""
_base_ = [
    '../../_base_/recipes/in1k_sgd-300e-mbv2_8xb32.py',
    '../../_base_/models/imagenet_zoo.py',
]

model = dict(
    _scope_='mmrazor', type='BaseAlgorithm', architecture=_base_.mobilenet_v2)
val_cfg = dict(_delete_=True)  # no teacher to validate
