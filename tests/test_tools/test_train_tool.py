"""End-to-end runs of ``tools/train.py`` and ``tools/test.py`` on CPU."""
import json
import math

import pytest
import torch

import lfcc_mm  # noqa: F401 - allow-lists mmengine types for torch.load

from .conftest import read_report


def _scalars(work_dir):
    """The per-iteration training scalars mmengine logged (scalars.json)."""
    [path] = work_dir.glob('*/vis_data/scalars.json')
    with open(path) as f:
        return [json.loads(line) for line in f if '"loss"' in line]


def test_resume_auto_matches_uninterrupted_run(tiny_project, call_tool,
                                               trained_work_dir):
    """In-process (``main(argv)``); ``--resume auto`` after a real
    ``kill -9`` of a process: ``test_kill_resume.py``."""
    work_dir = tiny_project / 'work_dirs' / 'interrupted'
    args = ('train.py', 'tiny.py', '--work-dir', str(work_dir))
    # The same 4-iteration run, stopped right after the iteration-2
    # checkpoint (the hook raises, as a crash would).
    with pytest.raises(RuntimeError,
                       match='simulated interruption at iter 2'):
        call_tool(*args, '--cfg-options', 'custom_hooks.0.stop_at_iter=2')
    assert not (work_dir / 'iter_4.pth').exists()
    saved = torch.load(work_dir / 'iter_2.pth', map_location='cpu')
    saved_momentum = sum(s['momentum_buffer'].abs().sum().item()
                         for s in saved['optimizer']['state'].values())
    assert saved_momentum > 0

    resumed = call_tool(*args, '--resume', 'auto')
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert 'Auto resumed from the latest checkpoint' in resumed.stdout
    assert 'Iter(train) [1/4]' not in resumed.stdout
    assert 'Iter(train) [3/4]' in resumed.stdout
    report = read_report(work_dir)
    assert (report['start_iter'], report['end_iter']) == (2, 4)
    # The optimizer continued from the saved SGD momentum, not from zero.
    assert report['start_momentum_norm'] == pytest.approx(saved_momentum)

    a = torch.load(work_dir / 'iter_4.pth', map_location='cpu')
    b = torch.load(trained_work_dir / 'iter_4.pth', map_location='cpu')
    assert a['meta']['iter'] == b['meta']['iter'] == 4
    assert a['state_dict'].keys() == b['state_dict'].keys()
    for key, value in a['state_dict'].items():
        torch.testing.assert_close(value, b['state_dict'][key], rtol=0,
                                   atol=1e-6, msg=key)
    assert a['param_schedulers'] == b['param_schedulers']


def test_amp_runs_with_finite_loss(tiny_project, call_tool):
    """In-process (``main(argv)``): train.py's process runs are above."""
    work_dir = tiny_project / 'work_dirs' / 'amp'
    result = call_tool('train.py', 'tiny.py', '--amp', '--work-dir',
                       str(work_dir), '--cfg-options',
                       'train_cfg.max_iters=2', 'train_cfg.val_interval=2')
    assert result.returncode == 0, result.stderr[-3000:]
    if torch.cuda.is_available():  # fp16 with dynamic loss scaling
        assert "type='AmpOptimWrapper'" in result.stdout
        assert "loss_scale='dynamic'" in result.stdout
    else:  # mmengine's AmpOptimWrapper needs a GPU: bf16 autocast instead
        assert "type='CPUAmpOptimWrapper'" in result.stdout
        assert "dtype='bfloat16'" in result.stdout
    losses = [s['loss'] for s in _scalars(work_dir)]
    assert len(losses) == 2 and all(math.isfinite(v) for v in losses)


@pytest.mark.slow
def test_test_tool_evaluates_checkpoint(run_tool, trained_work_dir,
                                        tiny_project):
    result = run_tool('test.py', 'tiny.py',
                      str(trained_work_dir / 'iter_4.pth'), '--work-dir',
                      str(tiny_project / 'work_dirs' / 'test'))
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'Load checkpoint from' in result.stdout
    assert 'accuracy/top1:' in result.stdout
