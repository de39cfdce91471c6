"""A collective timeout becomes one line that names the setting."""
import torch.distributed as dist

from lfcc_mm.engine.collective_timeout import collective_timeout_message

GLOO = ('[/pytorch/third_party/gloo/gloo/transport/tcp/unbound_buffer.cc:129]'
        ' Timed out waiting 10000ms for send operation to complete')


def test_gloo_timeout_states_duration_and_setting():
    message = collective_timeout_message(RuntimeError(GLOO), timeout_s=99)
    assert message == (
        'rank 0: distributed collective operation timed out after 10 s '
        'waiting for the other ranks (one of them hung, stopped or died; its '
        'own log says why); env_cfg.dist_cfg.timeout sets this limit in '
        'seconds (torch default 1800), e.g. --cfg-options '
        'env_cfg.dist_cfg.timeout=3600')


def test_configured_timeout_when_the_error_does_not_say():
    err = dist.DistBackendError('NCCL communicator: operation timed out')
    assert 'timed out after 42 s' in collective_timeout_message(err, 42)


def test_other_errors_are_left_alone():
    assert collective_timeout_message(RuntimeError('CUDA out of memory')) \
        is None
    assert collective_timeout_message(ValueError(GLOO)) is None
    # A timeout that has nothing to do with torch.distributed.
    assert collective_timeout_message(RuntimeError('read timed out')) is None
