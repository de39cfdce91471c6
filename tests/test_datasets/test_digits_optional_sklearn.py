"""scikit-learn is optional (the ``bench`` extra): DigitsDataset says so."""
import sys

import pytest

import lfcc_mm  # noqa: F401
from lfcc_mm.datasets.digits import digits_images, stratified_split
from lfcc_mm.errors import UserError


@pytest.fixture
def no_sklearn(monkeypatch):
    # None in sys.modules makes `import sklearn...` raise ImportError.
    for name in [m for m in sys.modules if m.split('.')[0] == 'sklearn']:
        monkeypatch.delitem(sys.modules, name)
    for name in ('sklearn', 'sklearn.datasets', 'sklearn.model_selection'):
        monkeypatch.setitem(sys.modules, name, None)


def test_missing_sklearn_is_one_actionable_line(no_sklearn):
    with pytest.raises(UserError) as info:
        digits_images(8)
    text = str(info.value)
    assert 'DigitsDataset needs scikit-learn' in text
    assert 'pip install scikit-learn' in text and '[bench]' in text
    assert '\n' not in text
    with pytest.raises(UserError, match='needs scikit-learn'):
        stratified_split(__import__('numpy').arange(10) % 2, 0.5, 0)


def test_digits_load_with_sklearn():
    images, labels = digits_images(8)
    assert images.shape == (1797, 8, 8, 3) and labels.shape == (1797, )
    split = stratified_split(labels, 0.2, seed=0)
    assert len(split['test']) == 360
