"""DeiT-style schedule for ViT / MLP-Mixer models on CIFAR-100, batch 512.

``imagenet_bs1024_adamw_deit.py`` with the learning rate scaled linearly to
the global batch (5e-4 * 512 / 512): AdamW, wd 0.05, 20 warm-up epochs,
cosine to 300 epochs, gradient clipping at 5.
"""
_base_ = ['./imagenet_bs1024_adamw_deit.py']

optim_wrapper = dict(optimizer=dict(lr=5e-4))

auto_scale_lr = dict(base_batch_size=512)
