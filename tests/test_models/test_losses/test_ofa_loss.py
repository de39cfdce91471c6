"""OFALoss: value against the formula, the eps=1 special case, validation."""
import lfcc_mm  # noqa: F401  (must precede mmrazor)
import pytest
import torch
import torch.nn.functional as F
from mmrazor.registry import MODELS

from lfcc_mm.models.losses import OFALoss

B, C = 6, 10


def reference_ofa_loss(z_s: torch.Tensor, z_t: torch.Tensor,
                       y: torch.Tensor, eps: float, T: float) -> torch.Tensor:
    """The paper's formula written out per sample and class in float64."""
    z_s, z_t = z_s.double(), z_t.double()
    p_t = torch.softmax(z_t / T, dim=1)
    log_p_s = torch.log_softmax(z_s / T, dim=1)
    total = torch.zeros((), dtype=torch.float64)
    for b in range(z_s.shape[0]):
        for c in range(z_s.shape[1]):
            if c == int(y[b]):
                w = (p_t[b, c] + 1)**eps - 1
            else:
                w = p_t[b, c]**eps
            total = total - w * log_p_s[b, c]
    return total / z_s.shape[0]


@pytest.fixture
def logits():
    gen = torch.Generator().manual_seed(0)
    z_s = torch.randn(B, C, generator=gen) * 3
    z_t = torch.randn(B, C, generator=gen) * 3
    y = torch.randint(0, C, (B,), generator=gen)
    return z_s, z_t, y


@pytest.mark.parametrize('eps', [0.5, 1.0, 1.5, 2.0])
@pytest.mark.parametrize('T', [1.0, 4.0])
def test_matches_float64_formula_index_and_onehot(logits, eps, T):
    z_s, z_t, y = logits
    loss_fn = OFALoss(eps=eps, temperature=T, loss_weight=1.0)
    expected = reference_ofa_loss(z_s, z_t, y, eps, T)
    by_index = loss_fn(z_s, z_t, y)
    by_onehot = loss_fn(z_s, z_t, F.one_hot(y, C).float())
    assert by_index.dim() == 0
    torch.testing.assert_close(by_index.double(), expected, rtol=1e-5,
                               atol=1e-6)
    torch.testing.assert_close(by_onehot, by_index)


def test_soft_labels_use_argmax_as_target(logits):
    """Mixup/cutmix scores: the target class is the argmax."""
    z_s, z_t, y = logits
    soft = 0.6 * F.one_hot(y, C).float() + 0.4 / C
    loss_fn = OFALoss(eps=1.5)
    torch.testing.assert_close(loss_fn(z_s, z_t, soft), loss_fn(z_s, z_t, y))


@pytest.mark.parametrize('T', [1.0, 2.0, 4.0])
def test_eps_one_is_soft_target_cross_entropy(logits, T):
    """eps=1: weights are p_t, i.e. vanilla KD without the T**2 factor."""
    z_s, z_t, y = logits
    p_t = torch.softmax(z_t / T, dim=1)
    soft_ce = -(p_t * torch.log_softmax(z_s / T, dim=1)).sum(1).mean()
    loss = OFALoss(eps=1.0, temperature=T)(z_s, z_t, y)
    torch.testing.assert_close(loss, soft_ce)
    # ... and does not depend on the labels at all.
    torch.testing.assert_close(
        OFALoss(eps=1.0, temperature=T)(z_s, z_t, (y + 1) % C), loss)


def test_loss_weight_scales_and_teacher_gets_no_gradient(logits):
    z_s, z_t, y = logits
    z_s = z_s.clone().requires_grad_()
    z_t = z_t.clone().requires_grad_()
    base = OFALoss(eps=1.5)(z_s, z_t, y)
    scaled = OFALoss(eps=1.5, loss_weight=0.25)(z_s, z_t, y)
    torch.testing.assert_close(scaled, 0.25 * base)
    scaled.backward()
    assert z_t.grad is None
    assert z_s.grad is not None and z_s.grad.abs().sum() > 0


def test_builds_from_registry_with_defaults():
    loss_fn = MODELS.build(dict(type='OFALoss'))
    assert isinstance(loss_fn, OFALoss)
    assert (loss_fn.eps, loss_fn.temperature, loss_fn.loss_weight) == (1.0,
                                                                        1.0,
                                                                        1.0)


@pytest.mark.parametrize('kwargs, match', [
    (dict(eps=0.0), 'eps must be > 0'),
    (dict(temperature=-1.0), 'temperature must be > 0'),
])
def test_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        OFALoss(**kwargs)


def test_rejects_bad_shapes(logits):
    z_s, z_t, y = logits
    loss_fn = OFALoss()
    with pytest.raises(ValueError, match=r'same shape \(B, num_classes\)'):
        loss_fn(z_s, z_t[:, :5], y)
    with pytest.raises(ValueError, match=r'\(6,\) class indices or \(6, 10\)'):
        loss_fn(z_s, z_t, y[:3])
    with pytest.raises(ValueError, match=r'\(6,\) class indices or \(6, 10\)'):
        loss_fn(z_s, z_t, torch.zeros(B, C + 1))
    with pytest.raises(ValueError, match='integer class indices'):
        loss_fn(z_s, z_t, y.float())
    with pytest.raises(TypeError, match='data_idx=1'):
        loss_fn(z_s, z_t, (z_s, y))
