"""CPUAmpOptimWrapper: bf16 autocast on CPU, plain fp32 parameter updates."""
import pytest
import torch
from mmengine.registry import OPTIM_WRAPPERS

from lfcc_mm.engine import CPUAmpOptimWrapper


def _wrapper(**kwargs):
    model = torch.nn.Linear(4, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    return model, CPUAmpOptimWrapper(optimizer=optimizer, **kwargs)


def test_forward_runs_in_bf16_and_step_updates_fp32_weights():
    model, wrapper = _wrapper()
    before = model.weight.detach().clone()
    with wrapper.optim_context(model):
        out = model(torch.randn(3, 4))
    assert out.dtype == torch.bfloat16
    wrapper.update_params(out.float().pow(2).mean())
    assert model.weight.dtype == torch.float32
    assert not torch.equal(model.weight, before)
    assert torch.isfinite(model.weight).all()


def test_outside_the_context_stays_fp32():
    model, _ = _wrapper()
    assert model(torch.randn(3, 4)).dtype == torch.float32


def test_registered_and_validates_dtype():
    model = torch.nn.Linear(4, 2)
    built = OPTIM_WRAPPERS.build(dict(
        type='CPUAmpOptimWrapper',
        optimizer=torch.optim.SGD(model.parameters(), lr=0.1)))
    assert built.cast_dtype is torch.bfloat16
    with pytest.raises(ValueError, match='dtype must be'):
        _wrapper(dtype='float32')
