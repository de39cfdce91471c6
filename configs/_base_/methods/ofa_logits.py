"""OFA-KD baseline (Hao et al., NeurIPS 2023): logit-space exits per stage.

One ``OFABranch`` per student stage (``stage1`` .. ``stage4``) projects that
stage's feature to class logits; ``OFALoss`` matches the student's final
logits (``loss_ofa_logits``) and every branch's logits
(``loss_ofa_stage<k>``) to the teacher's final logits, next to the student's
own cross-entropy. Inside ``FrozenTeacherDistill`` (frozen eval-mode
teacher, strict ``teacher_ckpt``; LFCC configs use the same class), so an OFA row differs from its LFCC row by the distiller
alone. The ground truth reaches every ``OFALoss`` through a ``ModuleInputs``
recorder on the student's ``head.loss_module`` (``data_idx=1``: its
``target``; soft Mixup / CutMix scores are reduced to their argmax).

Authors' settings (their release's defaults and README example): branches
at stages 1-4, temperature ``T = 1``, every loss weight 1, ``eps = 1.5`` on
ImageNet-1K (the README of Hao840/OFAKD: its ImageNet command, ResNet-18 <-
DeiT-T, passes ``--ofa-eps 1.5``; ``ofa_logits_cifar100.py`` sets the
CIFAR-100 value 1.0). Ours: one ``eps`` per dataset for every pair and every
loss (per-pair values from the paper are not adopted), the branch designs
documented in ``OFABranch`` and ``num_classes=1000``
(``ofa_logits_cifar100.py`` sets 100).

A pair config supplies, per stage ``k``, the student recorder ``source`` of
``stage<k>`` and the branch's ``in_channels`` / ``layout`` (plus
``num_extra_tokens`` / ``hw`` / ``final_grid`` for token students) and
``out_channels`` (CNN students: ``max(C_last_student, C_last_teacher)``;
token students: ``C_last_student``). ``eps`` is each ``OFALoss``'s value and
the stages are the ``stage<k>`` entries with ``stage=k``; to drop a stage,
redefine ``student_recorders``, ``connectors``, ``distill_losses`` and
``loss_forward_mappings`` with ``_delete_=True``.

The ``logits`` recorders default to ``head.fc`` (``LinearClsHead``); a ViT
side overrides its ``source`` with ``head.layers.head``.
"""
_stages = (1, 2, 3, 4)
_teacher_logits = dict(from_student=False, recorder='logits')
_gt_labels = dict(from_student=True, recorder='gt_labels', data_idx=1)
_ofa_loss = dict(type='OFALoss', eps=1.5, temperature=1.0, loss_weight=1.0)

model = dict(
    _scope_='mmrazor',
    type='FrozenTeacherDistill',
    distiller=dict(
        type='CheckedDistiller',
        student_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.fc'),
            gt_labels=dict(type='ModuleInputs', source='head.loss_module'),
            **{f'stage{k}': dict(type='ModuleOutputs')
               for k in _stages}),
        teacher_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.fc')),
        connectors={
            f'stage{k}': dict(
                type='OFABranch', num_classes=1000, stage=k, num_stages=4)
            for k in _stages
        },
        distill_losses=dict(
            loss_ofa_logits=_ofa_loss,
            **{f'loss_ofa_stage{k}': _ofa_loss
               for k in _stages}),
        loss_forward_mappings=dict(
            loss_ofa_logits=dict(
                preds_S=dict(from_student=True, recorder='logits'),
                preds_T=_teacher_logits,
                gt_labels=_gt_labels),
            **{
                f'loss_ofa_stage{k}': dict(
                    preds_S=dict(
                        from_student=True,
                        recorder=f'stage{k}',
                        connector=f'stage{k}'),
                    preds_T=_teacher_logits,
                    gt_labels=_gt_labels)
                for k in _stages
            })))
