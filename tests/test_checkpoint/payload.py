"""A checkpoint that runs code if ``builtins.getattr`` is allow-listed.

It is the attack of issue 10.1: ``getattr(getattr(getattr, '__self__'),
'eval')`` is the builtin ``eval``, which torch's allow-listed
``_rebuild_from_type_v2(func, new_type, args, state)`` then calls as
``func(*args)``. The evaluated expression writes ``marker``, so a test can
see whether the code ran. Without ``lfcc_mm`` imported torch refuses the
file (``builtins.getattr`` is not allowed); with the unrestricted builtin
allow-listed it writes the marker.
"""
from pathlib import Path
from typing import Any, Tuple, Union

import torch


class _Call:
    """Pickles as ``func(*args)`` (a REDUCE of a GLOBAL)."""

    def __init__(self, func: Any, *args: Any) -> None:
        self.func, self.args = func, args

    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]:
        return self.func, self.args


def code_running_object(marker: Union[str, Path]) -> _Call:
    """The object whose unpickling writes ``marker`` through ``eval``."""
    builtin_eval = _Call(getattr, _Call(getattr, getattr, '__self__'), 'eval')
    code = f"__import__('pathlib').Path({str(marker)!r}).write_text('ran')"
    return _Call(torch._tensor._rebuild_from_type_v2, builtin_eval,
                 torch.Tensor, (code, ), {})


def write_code_running_checkpoint(path: Union[str, Path],
                                  marker: Union[str, Path]) -> str:
    """Save a Runner-shaped checkpoint whose weights hold the payload.

    Args:
        path: Where the checkpoint goes.
        marker: The file the payload would create.

    Returns:
        str: ``path``.
    """
    torch.save(
        dict(meta=dict(iter=2), state_dict={
            'backbone.weight': code_running_object(marker)}), str(path))
    return str(path)
