"""CIFAR-100 at 224 px for the ResMLP-S12 student: ``data_vit.py`` as is.

Eval: resize to 256 (timm ``resmlp_12_224`` ``crop_pct`` 0.875), centre crop
224.
"""
_base_ = ['./data_vit.py']
