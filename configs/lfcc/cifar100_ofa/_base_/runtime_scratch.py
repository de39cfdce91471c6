"""Runtime of the from-scratch rows: mmpretrain's, with its loops."""
_base_ = ['mmpretrain::_base_/default_runtime.py']

val_cfg = dict()
test_cfg = dict()
