"""Runtime of every digits run: the CIFAR-10 benchmark's, logging every 5.

The digits epochs are 22 steps (1,437 images, batch 64), so the loss is
logged (and averaged) every 5 iterations instead of 10.
"""
_base_ = ['../../cifar10/_base_/runtime.py']

default_hooks = dict(logger=dict(interval=5))
log_processor = dict(window_size=5)
