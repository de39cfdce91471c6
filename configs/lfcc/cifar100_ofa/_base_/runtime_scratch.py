"""Runtime of the from-scratch rows: mmpretrain's (with the plugin's
run-safety hooks), with its loops.

Best-epoch reporting as OFA-KD (see the comment below).
"""
_base_ = ['../../../_base_/default_runtime.py']

val_cfg = dict()
test_cfg = dict()

# OFA-KD reports the best epoch's top-1 (train.py's CheckpointSaver keeps the
# best by eval top-1 and logs it). Record it the same way: the checkpoint of
# the best student top-1 so far is kept as best_accuracy_top1_epoch_<N>.pth
# and the log states it; a row's number is that best epoch's top-1.
default_hooks = dict(
    checkpoint=dict(
        interval=1, max_keep_ckpts=3, save_best='accuracy/top1',
        rule='greater'))
