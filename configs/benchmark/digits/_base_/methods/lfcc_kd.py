"""lfcc_kd: cross-entropy + LFCC on the two taps + the logit KD of ``kd``.

The CIFAR-10 grid's ``lfcc_kd`` (``configs/benchmark/cifar10/_base_/
methods/lfcc_kd.py``): the repository's LFCC distiller
(``configs/_base_/methods/lfcc_two_stages.py``: one ``LFCCConnector`` per
side and stage, scales ``(1, 2, 4)``, box filter, per-cell LayerNorm,
``embed_dim=128``, the cls token as the 1x1 scale; one ``LFCCLoss`` per
stage, ``tau=0.1``, weight 0.5) on the ``mid`` and ``last`` taps, plus the
very KL term of ``kd.py`` (``tau=4``, weight 1), as the heterogeneous-KD
literature's recipes add logit KD to their feature loss: ``lfcc_kd - kd``
is what the LFCC term adds. Inside
``FrozenTeacherDistill`` (the ``LFCC`` registry name is the same class). A
pair config fills in the recorders' sources and the connectors' channels
and layouts from the models' taps.
"""
_base_ = ['../../../cifar10/_base_/methods/lfcc_kd.py']
