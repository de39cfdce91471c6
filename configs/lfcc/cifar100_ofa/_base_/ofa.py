"""OFA-KD on CIFAR-100 as its authors run it (``--distiller ofa``).

Branches at student stages 1-4 (train.py ``--ofa-stage 1 2 3 4``), OFA loss
temperature 1 (``--ofa-temperature``), every loss weight 1
(``--ofa-loss-weight``, ``--kd-loss-weight``), ``eps = 1.0`` on CIFAR-100
(``--ofa-eps 1.0``, the CIFAR-100 command of the OFA-KD-based RSD release;
also train.py's default ``[1]``), 100-class branches. The structure is
``configs/_base_/methods/ofa_logits.py``; the protocol's values are set here
explicitly. The student is a ``TimmClassifier``, whose loss module is
``loss_module`` (not ``head.loss_module``). A pair config sets the
``stage<k>`` recorder sources, the branches' channels / layout and the
``logits`` recorders' ``source``.
"""
_base_ = ['../../../_base_/methods/ofa_logits.py']

_stages = (1, 2, 3, 4)  # train.py --ofa-stage default
_ofa_loss = dict(
    type='OFALoss',
    eps=1.0,  # --ofa-eps 1.0 on CIFAR-100
    temperature=1.0,  # train.py --ofa-temperature default
    loss_weight=1.0)  # --ofa-loss-weight / --kd-loss-weight defaults

model = dict(
    distiller=dict(
        student_recorders=dict(gt_labels=dict(source='loss_module')),
        connectors={f'stage{k}': dict(num_classes=100)
                    for k in _stages},
        distill_losses=dict(
            loss_ofa_logits=_ofa_loss,
            **{f'loss_ofa_stage{k}': _ofa_loss
               for k in _stages})))
