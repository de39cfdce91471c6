"""CIFAR-100 at 224 px for the ResNet-18 student: ``data_cnn.py`` as is.

Eval: timm 0.6.5's ``resnet18`` default config (OFA-KD's
``resolve_data_config``):
``interpolation='bilinear'``, ``crop_pct`` 0.875 -> resize to 256, centre
crop 224.
"""
_base_ = ['./data_cnn.py']
