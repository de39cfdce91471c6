"""CIFAR-100 at 224 px for the MobileNetV2 student: ``data_cnn.py`` + its eval.

Eval as OFA-KD's: ``train.py`` resolves the eval transform from the
student's timm default config (``resolve_data_config``, no
``--interpolation`` given), and timm 0.6.5's ``mobilenetv2_100`` has
``interpolation='bicubic'``, ``crop_pct`` 0.875: resize the short side to
``int(224 / 0.875)`` = 256 (bicubic), centre crop 224.
"""
_base_ = ['./data_cnn.py']

test_pipeline = [
    dict(
        type='ResizeEdge',
        scale=256,  # crop_pct 0.875: int(224 / 0.875)
        edge='short',
        backend='pillow',
        interpolation='bicubic'),  # timm mobilenetv2_100 default_cfg
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
