"""OFA-KD on CIFAR-100: ``ofa_logits.py`` with 100-class branches, eps 1.0.

``eps = 1.0`` for every ``OFALoss``: OFA-KD's CIFAR-100 setting, the
default of ``--ofa-eps`` in Hao840/OFAKD's ``train.py`` (``[1]``) and the
value of the CIFAR-100 command of its CIFAR-100 release (Swin-T ->
ResNet-18, ``configs/cifar/cnn.yaml``, ``--ofa-eps 1.0``); ImageNet-1K uses
the README's 1.5.
Otherwise unchanged (``T = 1``, weights 1, stages 1-4). For 32 px token
students (4 px patches: an 8x8 grid) a pair config sets ``hw=(8, 8)`` and
``final_grid=4`` on its branches (one 2x2 merge, as 14x14 -> 7x7 at 224 px).
"""
_base_ = ['./ofa_logits.py']

_stages = (1, 2, 3, 4)

model = dict(
    distiller=dict(
        connectors={f'stage{k}': dict(num_classes=100)
                    for k in _stages},
        distill_losses=dict(
            loss_ofa_logits=dict(eps=1.0),
            **{f'loss_ofa_stage{k}': dict(eps=1.0)
               for k in _stages})))
