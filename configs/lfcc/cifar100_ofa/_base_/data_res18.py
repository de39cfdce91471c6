"""CIFAR-100 at 224 px for the ResNet-18 student: ``data_cnn.py`` as is.

Eval: resize to 256 (timm ``resnet18`` ``crop_pct`` 0.875), centre crop 224.
"""
_base_ = ['./data_cnn.py']
