"""FolderSubsetDataset: a class-folder dataset capped at N images per class."""
from __future__ import annotations

import os.path as osp
import re
from collections import Counter
from typing import Any, List, Optional

from mmpretrain.datasets import CustomDataset
from mmpretrain.registry import DATASETS

from lfcc_mm.errors import UnreadableImageError, UserError


class ImageSizeError(UserError):
    """An image of a dataset whose size differs from the others'."""


@DATASETS.register_module()
class FolderSubsetDataset(CustomDataset):
    """:class:`mmpretrain.datasets.CustomDataset` keeping ``max_per_class``.

    The layout is ``data_root/<class>/<image>``; classes are the sub-folder
    names in sorted order (as in ``CustomDataset``). With ``max_per_class``
    set, only the first ``N`` images of every class (in ``CustomDataset``'s
    sorted file order) are kept, so the subset is deterministic and
    class-balanced.

    Unlike ``CustomDataset``, which only logs a warning, a class folder
    without a single image is an error naming the folder (its class would
    shift every later label, or silently vanish), and an image that cannot
    be read is an error naming the file, and so is an image whose size
    after the pipeline differs from the others' (collation would zero-pad
    it silently, or change every feature map's size).

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

    def _find_samples(self) -> list:
        """``CustomDataset``'s samples; every class folder must hold one.

        Returns:
            list: ``(relative path, class index)`` pairs (with labels).

        Raises:
            ValueError: A class folder without images, or no images at all.
        """
        extensions = ', '.join(sorted(self.extensions))
        try:
            samples = super()._find_samples()
        except RuntimeError as err:
            if 'Found 0 files' not in str(err):
                raise
            raise ValueError(
                f'no image in the class folders of {self.img_prefix!r} '
                f'(supported extensions: {extensions})') from err
        if not self.with_label:
            return samples
        labelled = {label for _, label in samples}
        empty = [name for name, label in sorted(self.folder_to_idx.items())
                 if label not in labelled]
        if empty:
            folders = ', '.join(
                repr(osp.join(self.img_prefix, name)) for name in empty)
            raise ValueError(
                f'class folder {folders} holds no image (supported '
                f'extensions: {extensions}); add images or remove the '
                f'folder, as every folder is a class')
        return samples

    def prepare_data(self, idx: int) -> Any:
        """Run the pipeline on sample ``idx``, naming an unreadable image.

        Args:
            idx (int): The sample index.

        Returns:
            Any: The pipeline's output.

        Raises:
            UnreadableImageError: Reading or decoding the image failed.
        """
        try:
            data = super().prepare_data(idx)
        except (OSError, AssertionError) as err:
            path = self.get_data_info(idx).get('img_path')
            if isinstance(err, AssertionError) and (
                    'failed to load image' not in str(err)):
                raise
            if isinstance(err, AssertionError):  # mmcv: decoder gave None
                reason = ('the decoder found no image in it: corrupt, '
                          'truncated or not an image')
            else:  # PIL names an in-memory buffer, not the file
                text = re.sub(r' ?<_io\.BytesIO object at 0x[0-9a-f]+>', '',
                              str(err))
                reason = ' '.join(f'{type(err).__name__}: {text}'.split())
            raise UnreadableImageError(
                f'cannot read image {path!r} ({reason}); replace or remove '
                f'the file') from err
        self._check_size(idx, data)
        return data

    def _check_size(self, idx: int, data: Any) -> None:
        """All samples must leave the pipeline with one image size.

        The batch collation zero-pads smaller images to the largest of the
        batch (a 1x1 image among 32x32 ones trains as a black square) and a
        larger one changes every feature map's size; neither is what the
        user meant. The first sample this process prepared is the
        reference.

        Raises:
            ImageSizeError: Sample ``idx`` has another size than the
                reference; names both files.
        """
        inputs = data.get('inputs') if isinstance(data, dict) else None
        shape = getattr(inputs, 'shape', None)
        if shape is None or len(shape) < 2:
            return
        size = tuple(int(n) for n in shape[-2:])
        path = self.get_data_info(idx).get('img_path')
        reference = getattr(self, '_reference_size', None)
        if reference is None:
            self._reference_size = (size, path)
            return
        if size != reference[0]:
            raise ImageSizeError(
                f'images of {self.img_prefix!r} differ in size after the '
                f'pipeline: {path!r} is {size[0]}x{size[1]}, {reference[1]!r} '
                f'is {reference[0][0]}x{reference[0][1]}; a batch needs one '
                f'size (collation would zero-pad the smaller): resize or '
                f'remove the odd image, or add a Resize/RandomResizedCrop '
                f'to the pipeline')

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
