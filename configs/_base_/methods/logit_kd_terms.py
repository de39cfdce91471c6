"""Logit-KD terms: one source for the KD baselines and the LFCC + KD configs.

Each entry is a fragment of a ``FrozenTeacherDistill`` model dict: the
``logits`` recorders of student and teacher (``head.fc``, the
``LinearClsHead`` of ResNet, MobileNetV2, Swin, ConvNeXt and MLP-Mixer; a ViT
side, ``VisionTransformerClsHead``, overrides its ``source`` with
``head.layers.head``), the ``loss_kd`` KL term (``KLDivergence``: mean over
the batch, scaled by ``tau ** 2``) and, where the reference sets one, the
weight of the student's own cross-entropy. ``kd_logits.py`` /
``kd_logits_cifar100.py`` build the KD baselines from them and
``configs/lfcc/lfcc-kd_*.py`` add them to their LFCC twin, so a KD baseline
and its LFCC + KD row carry the very same KD term.

- ``kd_in1k``: MMRazor's ``kd_logits_resnet34_resnet18_8xb32_in1k``:
  ``tau = 1``, KD weight 3 next to the cross-entropy (weight 1).
- ``kd_cifar100``: the CIFAR-100 KD setting of CRD (RepDistiller's README:
  ``--distill kd -r 0.1 -a 0.9``, temperature 4) and DKD's code base
  (mdistiller ``CFG.KD``: ``TEMPERATURE 4``, ``CE_WEIGHT 0.1``,
  ``KD_WEIGHT 0.9``): ``tau = 4``, KD weight 0.9, cross-entropy weight 0.1
  (``architecture.head.loss.loss_weight``: the student must be a full
  model dict, as every CIFAR-100 student here is, not a ``cfg_path``).
- ``kd_ofakd``: OFA-KD's vanilla KD (Hao840/OFAKD ``distillers/kd.py`` with
  ``train.py``'s defaults ``--kd-temperature 1``, ``--kd-loss-weight 1``,
  ``--gt-loss-weight 1``): ``tau = 1``, KD weight 1 next to the student's
  own loss. The KD and LFCC + KD rows of ``configs/lfcc/cifar100_ofa/``; their
  timm models set the ``logits`` recorders' ``source``.
"""
kd_in1k = dict(
    distiller=dict(
        type='CheckedDistiller',
        student_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.fc')),
        teacher_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.fc')),
        distill_losses=dict(
            loss_kd=dict(type='KLDivergence', tau=1, loss_weight=3)),
        loss_forward_mappings=dict(
            loss_kd=dict(
                preds_S=dict(from_student=True, recorder='logits'),
                preds_T=dict(from_student=False, recorder='logits')))))

kd_cifar100 = dict(
    architecture=dict(head=dict(loss=dict(loss_weight=0.1))),
    distiller=dict(
        type='CheckedDistiller',
        student_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.fc')),
        teacher_recorders=dict(
            logits=dict(type='ModuleOutputs', source='head.fc')),
        distill_losses=dict(
            loss_kd=dict(type='KLDivergence', tau=4, loss_weight=0.9)),
        loss_forward_mappings=dict(
            loss_kd=dict(
                preds_S=dict(from_student=True, recorder='logits'),
                preds_T=dict(from_student=False, recorder='logits')))))

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
