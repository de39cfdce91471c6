"""Linear centered kernel alignment (CKA) between two sets of features.

Linear CKA (Kornblith et al., ICML 2019, "Similarity of Neural Network
Representations Revisited") compares how two representations arrange the
same ``N`` samples. With ``K = X X^T`` and ``L = Y Y^T`` the linear Gram
matrices of ``X`` (``N x Dx``) and ``Y`` (``N x Dy``)::

    CKA(X, Y) = HSIC(K, L) / sqrt(HSIC(K, K) HSIC(L, L))

It needs no equal feature dimensions (a 384-channel ViT stage and a
64-channel CNN stage compare directly), and is invariant to orthogonal
transforms and isotropic scaling of either feature, but not to arbitrary
invertible linear maps.

Two estimators of HSIC:

- ``debiased=False``: the usual one, ``<H K H, H L H>_F`` with the centering
  matrix ``H``; in ``[0, 1]``. It is biased upwards when the feature
  dimension is large compared with ``N``: two *independent* white-noise
  features of 50k dimensions on 256 samples score about 0.99.
- ``debiased=True``: the unbiased HSIC estimator of Song et al. (JMLR 2012),
  as in Kornblith et al.'s reference code; unrelated features score about
  0, so raw (high-dimensional) and low-passed (low-dimensional) comparisons
  are on the same footing. Needs ``N >= 4`` and can be slightly negative.
"""
from __future__ import annotations

import torch
from torch import Tensor


def center_gram(gram: Tensor, debiased: bool = False) -> Tensor:
    """Center a Gram matrix for an HSIC estimate.

    Args:
        gram (Tensor): ``(N, N)`` symmetric Gram matrix.
        debiased (bool): Use the U-statistic centering of the unbiased HSIC
            estimator (zero diagonal) instead of ``H K H``.

    Returns:
        Tensor: ``(N, N)`` centered Gram matrix; the Frobenius inner product
        of two of them is (proportional to) the HSIC estimate.
    """
    n = gram.shape[0]
    if not debiased:
        gram = gram - gram.mean(dim=0, keepdim=True)
        return gram - gram.mean(dim=1, keepdim=True)
    gram = gram.clone()
    gram.fill_diagonal_(0)
    means = gram.sum(dim=0) / (n - 2)
    means = means - means.sum() / (2 * (n - 1))
    gram = gram - means[:, None] - means[None, :]
    gram.fill_diagonal_(0)
    return gram


def linear_cka(x: Tensor, y: Tensor, debiased: bool = False) -> float:
    """Linear CKA between two feature sets of the same samples.

    Args:
        x (Tensor): ``(N, ...)`` features, flattened per sample.
        y (Tensor): ``(N, ...)`` features of the same ``N`` samples in the
            same order, flattened per sample.
        debiased (bool): Use the unbiased HSIC estimator (see the module
            docstring). Defaults to False.

    Returns:
        float: CKA (in ``[0, 1]`` unless debiased); NaN when either feature
        is constant over the samples.
    """
    if x.shape[0] != y.shape[0]:
        raise ValueError(
            f'linear_cka needs the same samples on both sides, got '
            f'{x.shape[0]} and {y.shape[0]} (shapes {tuple(x.shape)} and '
            f'{tuple(y.shape)}).')
    min_samples = 4 if debiased else 2
    if x.shape[0] < min_samples:
        raise ValueError(f'linear_cka (debiased={debiased}) needs at least '
                         f'{min_samples} samples, got {x.shape[0]}.')
    x = x.detach().flatten(1).to(torch.float64)
    y = y.detach().flatten(1).to(torch.float64)
    gram_x = center_gram(x @ x.t(), debiased)   # (N, N)
    gram_y = center_gram(y @ y.t(), debiased)
    norm = torch.linalg.norm(gram_x) * torch.linalg.norm(gram_y)
    if norm == 0:
        return float('nan')
    return float((gram_x * gram_y).sum() / norm)
