"""dkd: decoupled KD (Zhao et al., CVPR 2022) on the logits.

The repository's CIFAR DKD loss (``configs/_base_/methods/
dkd_logits_cifar100.py``: ``tau=4``, ``alpha=1``, ``beta=8``; the ground
truth from a ``ModuleInputs`` recorder on ``head.loss_module``). The
paper's 20-epoch linear warm-up of the DKD loss is not used: the benchmark
trains 4 epochs and every method trains without a loss warm-up.
"""
_base_ = ['../../../../_base_/methods/dkd_logits_cifar100.py']
