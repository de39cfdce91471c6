"""lfcc_mm.checkpoint: state-dict extraction, strict loading, atomic saving."""
import os
import stat
from collections import OrderedDict

import pytest
import torch
from torch import nn

from lfcc_mm.checkpoint import (CheckpointError, CheckpointMismatchError,
                                load_weights, load_weights_from, save_atomic,
                                state_dict_of)


def _net():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4))


def test_state_dict_of_runner_bare_and_ddp_checkpoints():
    state = _net().state_dict()
    for ckpt in (dict(state_dict=state, meta={}), state):
        got = state_dict_of(ckpt, 'x')
        assert list(got) == list(state)
        assert got._metadata == state._metadata
    ddp = OrderedDict(('module.' + k, v) for k, v in state.items())
    ddp._metadata = OrderedDict(
        ('module' if k == '' else 'module.' + k, v)
        for k, v in state._metadata.items())
    got = state_dict_of(dict(state_dict=ddp), 'x')
    assert list(got) == list(state) and got._metadata == state._metadata
    for bad in (dict(meta={}), [1, 2], dict(state_dict={'a': 1})):
        with pytest.raises(CheckpointError, match="'f.pth' holds no state"):
            state_dict_of(bad, "checkpoint 'f.pth'")


def test_strict_load_lists_every_mismatch():
    state = _net().state_dict()
    state.pop('1.running_var')
    state['2.weight'] = torch.zeros(1)
    state['0.weight'] = torch.zeros(5, 3, 3, 3)
    with pytest.raises(CheckpointMismatchError) as info:
        load_weights(_net(), state, "checkpoint 'f.pth'", hint='Fix it.')
    assert str(info.value) == (
        "checkpoint 'f.pth' does not match the model: 1 missing keys "
        '[1.running_var], 1 unexpected keys [2.weight], 1 shape mismatches '
        '[0.weight]. Fix it.')
    assert (info.value.missing, info.value.unexpected,
            info.value.bad_shapes) == (['1.running_var'], ['2.weight'],
                                       ['0.weight'])


def test_load_weights_from_a_file_and_a_distillation_checkpoint(tmp_path):
    source = _net()
    with torch.no_grad():
        source[0].weight.add_(1)
    distilled = OrderedDict(('architecture.' + k, v)
                            for k, v in source.state_dict().items())
    distilled['distiller.w'] = torch.zeros(1)
    torch.save(dict(state_dict=distilled), tmp_path / 'd.pth')
    target = _net()
    load_weights_from(target, str(tmp_path / 'd.pth'),
                      student_of_distillation=True)
    assert torch.equal(target[0].weight, source[0].weight)
    with pytest.raises(CheckpointMismatchError, match='unexpected keys '
                       r'\[architecture.0.bias'):
        load_weights_from(_net(), str(tmp_path / 'd.pth'))


def test_save_atomic_writes_a_normal_file(tmp_path):
    path = tmp_path / 'sub' / 'w.pth'
    assert save_atomic(dict(a=torch.ones(2)), str(path)) == str(path)
    assert torch.equal(torch.load(path)['a'], torch.ones(2))
    assert os.listdir(path.parent) == ['w.pth']
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_save_atomic_failure_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / 'w.pth'
    save_atomic(dict(a=torch.ones(2)), str(path))
    before = path.read_bytes()

    def torn_save(obj, f, *args, **kwargs):
        f.write(b'partial')
        raise KeyboardInterrupt  # e.g. Ctrl-C in the middle of the write

    monkeypatch.setattr(torch, 'save', torn_save)
    with pytest.raises(KeyboardInterrupt):
        save_atomic(dict(a=torch.zeros(2)), str(path))
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ['w.pth']
