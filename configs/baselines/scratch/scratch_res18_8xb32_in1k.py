"""From scratch: ResNet-18 on ImageNet-1K, the recipe of its LFCC pairs.

The "Δ vs scratch" reference of every ResNet-18 row in
``configs/lfcc/README.md``: the same student and recipe
(``_base_/recipes/in1k_sgd-100e_8xb32.py``: SGD lr 0.1, 100 epochs, 8 GPUs x
32) as ``lfcc_deit-s_res18_8xb32_in1k.py``, trained alone with its own
cross-entropy. The student sits in MMRazor's plain ``BaseAlgorithm`` (loss =
the student's loss), so its checkpoint keys (``architecture.*``) and the
model it builds are those of the distillation rows; validation is
mmengine's plain loop.
"""
_base_ = [
    '../../_base_/recipes/in1k_sgd-100e_8xb32.py',
    '../../_base_/models/imagenet_zoo.py',
]

model = dict(
    _scope_='mmrazor', type='BaseAlgorithm', architecture=_base_.resnet18)
val_cfg = dict(_delete_=True)  # no teacher to validate
