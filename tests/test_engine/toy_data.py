"""A tiny regression dataset shared by the engine hooks' Runner tests."""
import torch
from torch.utils.data import Dataset


class ToyDataset(Dataset):
    """Eight fixed (x, y) pairs."""

    metainfo: dict = dict()

    def __init__(self) -> None:
        gen = torch.Generator().manual_seed(0)
        self.x = torch.randn(8, 2, generator=gen)
        self.y = self.x @ torch.tensor([1.5, -2.0]) + 0.5

    def __len__(self) -> int:
        return 8

    def __getitem__(self, i: int) -> dict:
        return dict(inputs=self.x[i], data_samples=self.y[i])
