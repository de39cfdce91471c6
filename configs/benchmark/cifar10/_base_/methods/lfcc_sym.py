"""lfcc_sym (ablation): symmetric InfoNCE (student->teacher and back).

Each teacher sample must also pick its own student among the batch's
students; the two directions are averaged (``LFCCLoss(symmetric=True)``).
The student then also learns from being a negative of other teacher
samples, as in CLIP's loss.
"""
_base_ = ['./lfcc.py']

model = dict(
    distiller=dict(
        distill_losses=dict(
            loss_lfcc_mid=dict(symmetric=True),
            loss_lfcc_last=dict(symmetric=True))))
