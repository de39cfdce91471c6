"""OFA-KD on CIFAR-100: ``ofa_logits.py`` with 100-class branches.

Loss settings unchanged (``eps = 1.5``, ``T = 1``, weights 1, stages 1-4).
For 32 px token students (4 px patches: an 8x8 grid) a pair config sets
``hw=(8, 8)`` and ``final_grid=4`` on its branches (one 2x2 merge, as
14x14 -> 7x7 at 224 px).
"""
_base_ = ['./ofa_logits.py']

model = dict(
    distiller=dict(
        connectors={
            f'stage{k}': dict(num_classes=100)
            for k in (1, 2, 3, 4)
        }))
