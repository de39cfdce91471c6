"""Runtime of the from-scratch rows: mmpretrain's (with the plugin's
run-safety hooks), with its loops."""
_base_ = ['../../../_base_/default_runtime.py']

val_cfg = dict()
test_cfg = dict()
