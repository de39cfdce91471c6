import math

import pytest
import torch
import torch.nn.functional as F

from lfcc_mm.models.losses import LFCCLoss


def unit(*shape, seed=0):
    g = torch.Generator().manual_seed(seed)
    return F.normalize(torch.randn(*shape, generator=g, dtype=torch.float64),
                       dim=-1)


def hand_info_nce(s, t, tau):
    """Plain-Python InfoNCE, averaged over samples and scales."""
    b, num_scales, _ = s.shape
    total = 0.0
    for k in range(num_scales):
        for i in range(b):
            sims = [float(s[i, k] @ t[j, k]) / tau for j in range(b)]
            log_z = math.log(sum(math.exp(v) for v in sims))
            total += log_z - sims[i]
    return total / (b * num_scales)


def test_matches_hand_computed_info_nce():
    s, t = unit(4, 2, 5, seed=1), unit(4, 2, 5, seed=2)
    loss = LFCCLoss(tau=0.5, loss_weight=2.0).double()(s, t)
    assert loss.item() == pytest.approx(2.0 * hand_info_nce(s, t, 0.5))


def test_symmetric_averages_both_directions():
    s, t = unit(4, 2, 5, seed=1), unit(4, 2, 5, seed=2)
    loss = LFCCLoss(tau=0.5, symmetric=True).double()(s, t)
    expected = (hand_info_nce(s, t, 0.5) + hand_info_nce(t, s, 0.5)) / 2
    assert loss.item() == pytest.approx(expected)


def test_aligned_pairs_score_lower_than_shuffled_pairs():
    t = unit(16, 3, 8, seed=3)
    s = F.normalize(t + 0.3 * unit(16, 3, 8, seed=4), dim=-1)
    loss = LFCCLoss(tau=0.1)
    shuffled = s[torch.randperm(16, generator=torch.Generator().manual_seed(0))]
    assert loss(s, t) < loss(shuffled, t)
    assert loss(t, t) < loss(s, t)


def test_learnable_temperature_is_trained():
    loss = LFCCLoss(tau=0.2, learnable_tau=True)
    assert loss.tau == pytest.approx(0.2)
    out = loss(unit(4, 1, 3).float().requires_grad_(), unit(4, 1, 3).float())
    out.backward()
    assert loss.log_inv_tau.grad is not None
    assert 'log_inv_tau' in dict(loss.named_parameters())
    assert 'log_inv_tau' not in LFCCLoss().state_dict()


def test_errors_are_clear():
    loss = LFCCLoss()
    with pytest.raises(ValueError, match=r'at least 2 samples.*'
                       r'train_dataloader.drop_last=True'):
        loss(unit(1, 2, 3), unit(1, 2, 3))
    with pytest.raises(ValueError, match=r'same shape \(B, S, D\).*'
                       r'\(2, 3, 4\) and \(2, 2, 4\)'):
        loss(unit(2, 3, 4), unit(2, 2, 4))
    with pytest.raises(ValueError, match='tau'):
        LFCCLoss(tau=0)


def test_queue_adds_past_teacher_samples_as_negatives():
    loss = LFCCLoss(tau=0.5, queue_size=6).double()
    batches = [(unit(4, 2, 5, seed=10 + k), unit(4, 2, 5, seed=20 + k))
               for k in range(3)]
    # First two batches fill the queue (8 keys > 6): the plain batch loss.
    for s, t in batches[:2]:
        assert loss(s, t).item() == pytest.approx(hand_info_nce(s, t, 0.5))
    assert int(loss.queue_len) == 6
    # The queue holds the newest 6 teacher rows, as a ring: batch 0 wrote
    # rows 0-3, batch 1 rows 4, 5, then 0, 1 (over batch 0's oldest two).
    t0, t1 = batches[0][1], batches[1][1]
    expected_rows = torch.cat([t1[2:], t0[2:], t1[:2]])
    torch.testing.assert_close(loss.queue, expected_rows)
    # Third batch: its 4 teacher samples plus the 6 queued ones as negatives.
    s, t = batches[2]
    cands = torch.cat([t, loss.queue.clone()])
    b, n_scales = s.shape[:2]
    logits = torch.einsum('bsd,nsd->sbn', s, cands) / 0.5
    want = F.cross_entropy(logits.flatten(0, 1),
                           torch.arange(b).repeat(n_scales))
    assert loss(s, t).item() == pytest.approx(want.item())
    # In eval mode the queue is neither read nor written.
    loss.eval()
    queued = loss.queue.clone()
    assert loss(s, t).item() == pytest.approx(hand_info_nce(s, t, 0.5))
    torch.testing.assert_close(loss.queue, queued)


def test_queue_is_saved_and_resumed_and_absent_by_default():
    assert not any('queue' in k for k in LFCCLoss().state_dict())
    loss = LFCCLoss(queue_size=4)
    loss(unit(3, 2, 5).float(), unit(3, 2, 5, seed=1).float())
    state = loss.state_dict()
    assert state['queue'].shape == (4, 2, 5)
    assert int(state['queue_ptr']) == 3 and int(state['queue_len']) == 3
    resumed = LFCCLoss(queue_size=4)
    resumed.load_state_dict(state)  # strict: same keys and shapes
    torch.testing.assert_close(resumed.queue, loss.queue)
    assert int(resumed.queue_ptr) == 3
    with pytest.raises(ValueError, match='queue_size must be an int >= 0'):
        LFCCLoss(queue_size=-1)
