"""DKD baseline (Zhao et al., CVPR 2022): decoupled target / non-target KD.

The ImageNet-1K setting of MMRazor's ``dkd_resnet34_resnet18_8xb32_in1k``,
which is that of the authors' mdistiller (``configs/imagenet/r34_r18/
dkd.yaml``: ``T 1``, ``ALPHA 1`` (default), ``BETA 0.5``, ``CE_WEIGHT 1``;
its ``WARMUP 1`` is no warm-up with mdistiller's 1-based epochs), with the
loss averaged over the batch as the authors do: ``BatchMeanDKDLoss``.
MMRazor's own ``DKDLoss`` sums over the batch (its ``F.kl_div`` gets
``size_average=False``), which makes ``alpha`` / ``beta`` act ``B`` times
too large. Inside ``FrozenTeacherDistill`` (the algorithm of every method).
The ground truth reaches the loss through a ``ModuleInputs`` recorder on
the student's ``head.loss_module`` (``data_idx=1``: its ``target``
argument).

DKD needs one hard label per image, so it only applies to recipes without
Mixup / CutMix (the CNN-student recipes): with batch augmentations the
target is a soft ``(B, num_classes)`` score.

The ``logits`` recorders default to ``head.fc``; a ViT teacher overrides its
``source`` with ``head.layers.head``.
"""
model = dict(
    _scope_='mmrazor',
    type='FrozenTeacherDistill',
    distiller=dict(
        type='CheckedDistiller',
        student_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.fc'),
            gt_labels=dict(type='ModuleInputs', source='head.loss_module')),
        teacher_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.fc')),
        distill_losses=dict(
            loss_dkd=dict(
                type='BatchMeanDKDLoss',
                tau=1,
                alpha=1,
                beta=0.5,
                loss_weight=1)),
        loss_forward_mappings=dict(
            loss_dkd=dict(
                preds_S=dict(from_student=True, recorder='logits'),
                preds_T=dict(from_student=False, recorder='logits'),
                gt_labels=dict(
                    from_student=True, recorder='gt_labels', data_idx=1)))))
