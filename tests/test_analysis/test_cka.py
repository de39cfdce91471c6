import pytest
import torch

from lfcc_bench.analysis.cka import linear_cka

ESTIMATORS = [False, True]


def features(n: int = 64, d: int = 32, seed: int = 0) -> torch.Tensor:
    torch.manual_seed(seed)
    return torch.randn(n, d, dtype=torch.float64)


@pytest.mark.parametrize('debiased', ESTIMATORS)
def test_feature_with_itself_is_one(debiased):
    x = features()
    assert linear_cka(x, x, debiased) == pytest.approx(1.0)


@pytest.mark.parametrize('debiased', ESTIMATORS)
def test_invariant_to_orthogonal_transform_scaling_and_shift(debiased):
    x = features()
    q, _ = torch.linalg.qr(torch.randn(32, 32, dtype=torch.float64))
    assert linear_cka(x, x @ q, debiased) == pytest.approx(1.0)
    assert linear_cka(x, 7.5 * x, debiased) == pytest.approx(1.0)
    assert linear_cka(x, x + 3.0, debiased) == pytest.approx(1.0)
    # Related by an orthogonal map, compared with a third feature: unchanged.
    y = features(seed=1)
    assert linear_cka(x @ q, y, debiased) == pytest.approx(
        linear_cka(x, y, debiased))


@pytest.mark.parametrize('debiased', ESTIMATORS)
def test_not_invariant_to_anisotropic_scaling(debiased):
    x = features()
    stretched = x * torch.logspace(0, 2, 32, dtype=torch.float64)
    assert linear_cka(x, stretched, debiased) < 0.9


def test_unrelated_features_score_low():
    x, y = features(seed=0), features(seed=1)
    assert linear_cka(x, y) < 0.5
    assert abs(linear_cka(x, y, debiased=True)) < 0.1


def test_debiased_estimator_removes_high_dimensional_inflation():
    x, y = features(d=20000, seed=0), features(d=20000, seed=1)
    assert linear_cka(x, y) > 0.9  # the biased estimator is fooled
    assert abs(linear_cka(x, y, debiased=True)) < 0.1


def test_maps_are_flattened_per_sample():
    torch.manual_seed(0)
    maps = torch.randn(16, 4, 3, 3)
    other = torch.randn(16, 8, 2, 2)
    assert linear_cka(maps, other) == pytest.approx(
        linear_cka(maps.flatten(1), other.flatten(1)))


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match='same samples'):
        linear_cka(torch.randn(8, 3), torch.randn(9, 3))
    with pytest.raises(ValueError, match='at least 4 samples'):
        linear_cka(torch.randn(3, 3), torch.randn(3, 3), debiased=True)
