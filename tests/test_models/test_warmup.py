"""models/warmup.py: the one linear warm-up, by iteration or by epoch."""
from types import SimpleNamespace

import pytest
from mmengine.logging import MessageHub
from mmrazor.registry import MODELS

from lfcc_mm.models import FrozenTeacherDistill
from lfcc_mm.models.losses import BatchMeanDKDLoss
from lfcc_mm.models.warmup import check_warmup_length, linear_warmup_factor


@pytest.fixture
def hub():
    """The current MessageHub, its ``iter`` and ``epoch`` restored after."""
    hub = MessageHub.get_current_instance()
    before = {k: hub.get_info(k) for k in ('iter', 'epoch')}
    yield hub
    for k, v in before.items():
        hub.update_info(k, 0 if v is None else v)


@pytest.mark.parametrize('by', ['iter', 'epoch'])
def test_factor_is_linear_from_the_first_step(hub, by):
    other = 'epoch' if by == 'iter' else 'iter'
    hub.update_info(other, 1000)  # the other counter is ignored
    seen = []
    for t in (0, 1, 3, 4, 100):
        hub.update_info(by, t)
        seen.append(linear_warmup_factor(4, by))
    assert seen == [0.25, 0.5, 1.0, 1.0, 1.0]
    assert linear_warmup_factor(0, by) == 1.0  # off


def test_factor_before_the_runner_sets_a_counter(monkeypatch):
    fresh = MessageHub('warmup_test_fresh')  # no 'iter' nor 'epoch' yet
    monkeypatch.setattr(MessageHub, 'get_current_instance',
                        classmethod(lambda cls: fresh))
    assert linear_warmup_factor(4, 'iter') == 0.25
    assert linear_warmup_factor(4, 'epoch') == 0.25


def test_bad_arguments():
    with pytest.raises(ValueError, match='one of'):
        linear_warmup_factor(4, 'step')
    with pytest.raises(ValueError, match=r'^Owner: warmup_epochs must be >= 0 '
                       r'\(a number of epochs; 0 disables the warm-up\), '
                       r'got -1'):
        check_warmup_length(-1, 'warmup_epochs', 'Owner')
    for bad in ('20', True, None):
        with pytest.raises(ValueError, match='must be >= 0'):
            check_warmup_length(bad, 'warmup_epochs', 'Owner')
    assert check_warmup_length(0, 'distill_warmup_iters', 'Owner') == 0


def test_both_components_use_it(hub):
    """The algorithm warms up by iteration, DKD by epoch, same formula."""
    algo = SimpleNamespace(distill_warmup_iters=8)
    dkd = BatchMeanDKDLoss(warmup_epochs=8)
    for t in (0, 5, 7, 30):
        hub.update_info('iter', t)
        hub.update_info('epoch', 2 * t)
        expected = min(1.0, (t + 1) / 8)
        assert FrozenTeacherDistill.distill_loss_factor(algo) == expected
        assert linear_warmup_factor(8, 'iter') == expected
        assert dkd.warmup_factor() == min(1.0, (2 * t + 1) / 8)


def test_algorithm_rejects_a_negative_warmup_before_building(make_cfg):
    cfg = make_cfg(distill_warmup_iters=-2)
    cfg['teacher'] = dict(type='NotBuiltAtAll')  # checked first
    with pytest.raises(ValueError, match=r'^FrozenTeacherDistill: '
                       'distill_warmup_iters must be >= 0'):
        MODELS.build(cfg)
    with pytest.raises(ValueError, match=r'^BatchMeanDKDLoss: warmup_epochs'):
        MODELS.build(dict(type='BatchMeanDKDLoss', warmup_epochs=-1))
