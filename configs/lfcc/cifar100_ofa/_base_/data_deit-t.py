"""CIFAR-100 at 224 px for the DeiT-T student: ``data_vit.py`` + its crop.

Eval: DeiT-T's timm ``crop_pct`` is 0.9, so resize to ``int(224 / 0.9)`` =
248 before the 224 centre crop (the other students: 0.875 -> 256).
"""
_base_ = ['./data_vit.py']

test_pipeline = [
    dict(
        type='ResizeEdge',
        scale=248,  # crop_pct 0.9: int(224 / 0.9)
        edge='short',
        backend='pillow',
        interpolation='bilinear'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
