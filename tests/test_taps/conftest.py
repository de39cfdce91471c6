"""Fixtures of the taps tests."""
import pytest
import torch


@pytest.fixture(autouse=True)
def _few_threads():
    """Keep each test to one thread: the suite shares two cores."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
