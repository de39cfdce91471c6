"""lfcc_queue (ablation): 1,024 past teacher embeddings as extra negatives.

``LFCCLoss(queue_size=1024)``: each student sample contrasts its teacher
sample against the batch's 63 others plus the teacher embeddings of the
last 16 batches (MoCo's first-in-first-out queue), more negatives than a
batch of 64 holds.
"""
_base_ = ['./lfcc.py']

model = dict(
    distiller=dict(
        distill_losses=dict(
            loss_lfcc_mid=dict(queue_size=1024),
            loss_lfcc_last=dict(queue_size=1024))))
