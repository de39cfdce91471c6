"""CIFAR-100 at 224 px for the DeiT-T student: ``data_vit.py`` + its eval.

Eval as OFA-KD's: ``train.py`` resolves the eval transform from the
student's timm default config (``resolve_data_config``, no
``--interpolation`` given), and timm 0.6.5's ``deit_tiny_patch16_224`` has
``interpolation='bicubic'``, ``crop_pct`` 0.9: resize the short side to
``int(224 / 0.9)`` = 248 (bicubic), centre crop 224.
"""
_base_ = ['./data_vit.py']

test_pipeline = [
    dict(
        type='ResizeEdge',
        scale=248,  # crop_pct 0.9: int(224 / 0.9)
        edge='short',
        backend='pillow',
        interpolation='bicubic'),  # timm deit_tiny_patch16_224 default_cfg
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
