"""Mixed precision on CPU: bfloat16 autocast, no loss scaling.

mmengine's ``AmpOptimWrapper`` asserts that a GPU/NPU/MLU/MUSA device is
present (mmengine 0.10.7), so ``--amp`` cannot use it on a CPU-only machine.
bfloat16 keeps float32's exponent range, so gradients do not underflow and
no ``GradScaler`` is needed: only the forward pass is autocast.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, Union

import torch
from mmengine.optim import OptimWrapper
from mmengine.registry import OPTIM_WRAPPERS
from torch import nn


@OPTIM_WRAPPERS.register_module()
class CPUAmpOptimWrapper(OptimWrapper):
    """An ``OptimWrapper`` that runs the forward pass under CPU autocast.

    Args:
        dtype (str | torch.dtype): Autocast dtype, ``'bfloat16'`` (the CPU
            autocast type) or ``'float16'``. Defaults to ``'bfloat16'``.
        **kwargs: ``OptimWrapper`` arguments (``optimizer``, ``clip_grad``,
            ``accumulative_counts``).
    """

    def __init__(self,
                 dtype: Union[str, torch.dtype] = 'bfloat16',
                 **kwargs) -> None:
        super().__init__(**kwargs)
        if isinstance(dtype, str):
            dtype = getattr(torch, dtype, None)
        if dtype not in (torch.bfloat16, torch.float16):
            raise ValueError('CPUAmpOptimWrapper: dtype must be "bfloat16" '
                             f'or "float16", got {dtype!r}')
        self.cast_dtype = dtype

    @contextmanager
    def optim_context(self, model: nn.Module) -> Iterator[None]:
        """Gradient-accumulation context plus CPU autocast.

        Args:
            model (nn.Module): The trained model.

        Yields:
            None
        """
        with super().optim_context(model), torch.autocast(
                device_type='cpu', dtype=self.cast_dtype):
            yield
