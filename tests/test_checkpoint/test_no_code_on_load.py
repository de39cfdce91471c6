"""No checkpoint load runs code (10.1): torch, mmengine, teacher_ckpt.

The payload (see :mod:`.payload`) reaches ``eval`` through
``builtins.getattr``; the tools' load paths are tested in
``tests/test_tools/test_unsafe_checkpoints.py`` and
``tests/test_analysis/test_spectrum_unsafe_checkpoints.py``.
"""
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.logging import HistoryBuffer
from mmengine.registry import init_default_scope
from mmengine.runner.checkpoint import CheckpointLoader, _load_checkpoint
from mmrazor.registry import MODELS

import lfcc_mm  # noqa: F401 - the shims under test
from lfcc_mm import compat
from lfcc_mm.checkpoint import (UnsafeCheckpointError,
                                install_weights_only_loaders,
                                load_checkpoint_file)

from .payload import write_code_running_checkpoint

TINY_CONFIG = (Path(__file__).resolve().parents[1] / 'test_tools' /
               'configs' / 'tiny_lfcc_vit_resnet.py')
REFUSED = r"getattr\(function, '__self__'\)"


@pytest.fixture
def evil(tmp_path):
    """``(checkpoint path, marker path)``; the marker must never appear."""
    marker = tmp_path / 'code_ran'
    path = write_code_running_checkpoint(tmp_path / 'evil.pth', marker)
    return path, marker


def test_the_payload_runs_code_when_getattr_is_allowed(evil):
    """The negative tests mean something: torch alone refuses the file, and
    allow-listing the builtin ``getattr`` (the old shim) runs its code."""
    path, marker = evil
    code = textwrap.dedent(f"""
        import pickle, torch
        try:
            torch.load({path!r})
        except pickle.UnpicklingError as err:
            assert 'GLOBAL getattr was not an allowed global' in str(err), err
        else:
            raise SystemExit('torch loaded the payload')
        torch.serialization.add_safe_globals([getattr])
        try:
            torch.load({path!r})
        except Exception:
            pass  # the code has run by then
    """)
    result = subprocess.run([sys.executable, '-c', code], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert marker.read_text() == 'ran'


def test_plain_torch_load_after_import_refuses(evil):
    path, marker = evil
    with pytest.raises(pickle.UnpicklingError, match=REFUSED):
        torch.load(path, weights_only=True)
    with pytest.raises(pickle.UnpicklingError, match=REFUSED):
        torch.load(path)  # weights_only is torch's default
    assert not marker.exists()


def test_getattr_name_is_bound_to_the_stand_in_only():
    from torch import _weights_only_unpickler as wou
    assert getattr not in torch.serialization.get_safe_globals()
    allowed = wou._get_user_allowed_globals()
    assert allowed['builtins.getattr'] is compat.history_buffer_getattr


def test_stand_in_resolves_exactly_the_history_buffer_statistics():
    defaults = HistoryBuffer()._statistics_methods
    for name in compat.HISTORY_BUFFER_STATISTICS:
        method = compat.history_buffer_getattr(HistoryBuffer, name)
        assert method is getattr(HistoryBuffer, name) is defaults[name]
    assert set(compat.HISTORY_BUFFER_STATISTICS) == {
        'min', 'max', 'current', 'mean'}
    import builtins
    for obj, name in [(getattr, '__self__'), (builtins, 'eval'),
                      (HistoryBuffer, '__init__'),
                      (HistoryBuffer, '__class__'),
                      (HistoryBuffer, 'register_statistics'),
                      (HistoryBuffer(), 'min'), (HistoryBuffer, 1)]:
        with pytest.raises(pickle.UnpicklingError, match='allows getattr'):
            compat.history_buffer_getattr(obj, name)


def test_mmengine_loads_are_weights_only_even_if_the_user_disables_it(
        evil, monkeypatch):
    """``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`` turns torch's default off; the
    loader every Runner load goes through passes ``weights_only=True``."""
    path, marker = evil
    monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    with pytest.raises(UnsafeCheckpointError,
                       match=r"checkpoint '.*evil.pth' was refused by torch's "
                       r"weights-only loader.*" + REFUSED):
        _load_checkpoint(path, map_location='cpu')
    assert not marker.exists()


def test_url_scheme_loaders_are_forced_weights_only(evil):
    """mmengine's URL loader calls ``torch.hub`` with ``weights_only=False``;
    every registered scheme is wrapped so the load is weights-only anyway."""
    path, marker = evil
    assert all(getattr(loader, '_lfcc_weights_only', False)
               for loader in CheckpointLoader._schemes.values())

    def hub_like_loader(filename, map_location=None):
        return torch.load(filename[len('lfcc-test://'):],
                          map_location=map_location, weights_only=False)

    CheckpointLoader.register_scheme('lfcc-test://', hub_like_loader)
    try:
        assert install_weights_only_loaders() is True
        with pytest.raises(UnsafeCheckpointError, match=REFUSED):
            load_checkpoint_file('lfcc-test://' + path)
    finally:
        CheckpointLoader._schemes.pop('lfcc-test://')
    assert not marker.exists()


def test_teacher_ckpt_is_refused_at_build(evil):
    path, marker = evil
    init_default_scope('mmrazor')
    cfg = Config.fromfile(str(TINY_CONFIG)).model
    cfg.teacher_ckpt = path
    with pytest.raises(UnsafeCheckpointError, match=REFUSED):
        MODELS.build(cfg)
    assert not marker.exists()
