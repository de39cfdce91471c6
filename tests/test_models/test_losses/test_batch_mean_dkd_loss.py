"""BatchMeanDKDLoss: DKD as its authors reduce it (mean over the batch)."""
import pytest
import torch
from mmengine.logging import MessageHub
from mmrazor.registry import MODELS

from lfcc_mm.models.losses import BatchMeanDKDLoss


def _logits(batch, classes=10, seed=0):
    gen = torch.Generator().manual_seed(seed)
    s = torch.randn(batch, classes, generator=gen) * 3
    t = torch.randn(batch, classes, generator=gen) * 3
    y = torch.randint(0, classes, (batch, ), generator=gen)
    return s, t, y


def _reference(s, t, y, tau, alpha, beta):
    """DKD written from the paper, one sample at a time, then averaged."""
    total = 0.0
    for zs, zt, k in zip(s.double(), t.double(), y):
        ps, pt = (zs / tau).softmax(0), (zt / tau).softmax(0)
        bs = torch.stack([ps[k], 1 - ps[k]])
        bt = torch.stack([pt[k], 1 - pt[k]])
        tckd = (bt * (bt / bs).log()).sum()
        keep = torch.arange(len(zs)) != k
        qs, qt = (zs[keep] / tau).softmax(0), (zt[keep] / tau).softmax(0)
        nckd = (qt * (qt / qs).log()).sum()
        total += tau**2 * (alpha * tckd + beta * nckd)
    return total / len(s)


def test_matches_a_per_sample_reference():
    s, t, y = _logits(8)
    loss = BatchMeanDKDLoss(tau=4, alpha=1, beta=8)(s, t, y)
    torch.testing.assert_close(
        loss.double(), _reference(s, t, y, 4, 1, 8), rtol=1e-5, atol=1e-6)


def test_does_not_depend_on_the_batch_size():
    """The same two samples, alone (B=2) or repeated 16 times (B=32)."""
    s, t, y = _logits(2)
    big = [x.repeat(16, *([1] * (x.dim() - 1))) for x in (s, t, y)]
    loss = BatchMeanDKDLoss(tau=1, beta=0.5)
    torch.testing.assert_close(loss(*big), loss(s, t, y))
    # MMRazor's DKDLoss (reduction='mean', as in its configs) sums instead:
    # the defect this class fixes.
    mmrazor = MODELS.build(dict(type='DKDLoss', tau=1, beta=0.5,
                                reduction='mean'))
    torch.testing.assert_close(mmrazor(*big), 32 * loss(*big))


def test_registered_and_weighted():
    s, t, y = _logits(4)
    loss = MODELS.build(dict(type='BatchMeanDKDLoss', tau=2, loss_weight=3))
    torch.testing.assert_close(
        loss(s, t, y).double(), 3 * _reference(s, t, y, 2, 1, 1),
        rtol=1e-5, atol=1e-6)


def test_epoch_warmup_as_mdistiller():
    """mdistiller: min(epoch / 20, 1) with epochs counted from 1."""
    s, t, y = _logits(4)
    full = BatchMeanDKDLoss(tau=4, beta=8)(s, t, y)
    loss = BatchMeanDKDLoss(tau=4, beta=8, warmup_epochs=20)
    hub = MessageHub.get_current_instance()
    before = hub.get_info('epoch', 0)
    try:
        for epoch, factor in ((0, 1 / 20), (9, 10 / 20), (19, 1.0),
                              (150, 1.0)):
            hub.update_info('epoch', epoch)
            torch.testing.assert_close(loss(s, t, y), full * factor)
    finally:
        hub.update_info('epoch', before)
    with pytest.raises(ValueError, match='warmup_epochs must be >= 0'):
        BatchMeanDKDLoss(warmup_epochs=-1)
