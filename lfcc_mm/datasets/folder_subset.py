"""FolderSubsetDataset: a class-folder dataset capped at N images per class."""
from __future__ import annotations

from collections import Counter
from typing import List, Optional

from mmpretrain.datasets import CustomDataset
from mmpretrain.registry import DATASETS


@DATASETS.register_module()
class FolderSubsetDataset(CustomDataset):
    """:class:`mmpretrain.datasets.CustomDataset` keeping ``max_per_class``.

    The layout is ``data_root/<class>/<image>``; classes are the sub-folder
    names in sorted order (as in ``CustomDataset``). With ``max_per_class``
    set, only the first ``N`` images of every class (in ``CustomDataset``'s
    sorted file order) are kept, so the subset is deterministic and
    class-balanced.

    Args:
        max_per_class (int, optional): Images kept per class; ``None`` keeps
            all. Defaults to None.
        **kwargs: :class:`mmpretrain.datasets.CustomDataset` arguments
            (``data_root``, ``pipeline``, ``test_mode``, ...).
    """

    def __init__(self, max_per_class: Optional[int] = None, **kwargs) -> None:
        if max_per_class is not None and (not isinstance(max_per_class, int)
                                          or max_per_class < 1):
            raise ValueError(f'max_per_class must be a positive int or None, '
                             f'got {max_per_class!r}')
        self.max_per_class = max_per_class
        super().__init__(**kwargs)

    def load_data_list(self) -> List[dict]:
        """Load ``CustomDataset``'s samples and cap every class.

        Returns:
            list[dict]: ``dict(img_path=str, gt_label=int)`` samples.
        """
        data_list = super().load_data_list()
        if self.max_per_class is None:
            return data_list
        seen: Counter = Counter()
        kept = []
        for info in data_list:
            if seen[info['gt_label']] < self.max_per_class:
                seen[info['gt_label']] += 1
                kept.append(info)
        return kept
