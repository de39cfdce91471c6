"""DeiT schedule for ViT / MLP-Mixer students, global batch 1024.

mmpretrain's ``imagenet_bs1024_adamw_swin`` (AdamW lr 1e-3, wd 0.05, 20
warm-up epochs, cosine to 300 epochs) with the no-decay keys and gradient
clipping of ``mmpretrain::deit/deit-tiny_4xb256_in1k.py``.
"""
_base_ = ['mmpretrain::_base_/schedules/imagenet_bs1024_adamw_swin.py']

optim_wrapper = dict(
    paramwise_cfg=dict(custom_keys={
        '.cls_token': dict(decay_mult=0.0),
        '.pos_embed': dict(decay_mult=0.0),
    }),
    clip_grad=dict(max_norm=5.0),
)
