"""OFA-KD's vanilla KD term, for the rows of ``configs/lfcc/cifar100_ofa/``.

- ``kd_ofakd``: OFA-KD's vanilla KD (Hao840/OFAKD ``distillers/kd.py`` with
  ``train.py``'s defaults ``--kd-temperature 1``, ``--kd-loss-weight 1``,
  ``--gt-loss-weight 1``): ``tau = 1``, KD weight 1 next to the student's
  own loss. The KD and LFCC + KD rows of ``configs/lfcc/cifar100_ofa/``; their
  timm models set the ``logits`` recorders' ``source``.

A fragment of a ``FrozenTeacherDistill`` model dict, as the terms of
``logit_kd_terms.py``; a file of its own so that the configs inheriting
``logit_kd_terms.py`` (the CIFAR-10 benchmark's committed ``kd`` rows) keep
their resolved config and fingerprint.
"""
kd_ofakd = dict(
    distiller=dict(
        type='CheckedDistiller',
        student_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.fc')),
        teacher_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.fc')),
        distill_losses=dict(
            loss_kd=dict(
                type='KLDivergence',
                tau=1,  # OFA-KD train.py --kd-temperature default
                loss_weight=1)),  # train.py --kd-loss-weight default
        loss_forward_mappings=dict(
            loss_kd=dict(
                preds_S=dict(from_student=True, recorder='logits'),
                preds_T=dict(from_student=False, recorder='logits')))))
