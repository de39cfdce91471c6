"""``tools/dist_train.sh CONFIG 2`` runs two CPU (gloo) ranks that train."""
import pytest
import torch

import lfcc_mm  # noqa: F401 - allow-lists mmengine types for torch.load

from .conftest import read_report, tool_env


@pytest.mark.slow
@pytest.mark.skipif(
    torch.cuda.is_available() and torch.cuda.device_count() < 2,
    reason='with CUDA, each rank needs its own GPU')
def test_two_cpu_ranks_train_and_save(tiny_project, run_tool):
    work_dir = tiny_project / 'work_dirs' / 'dist'
    result = run_tool('dist_train.sh', 'tiny.py', '2', '--work-dir',
                      str(work_dir), env=dict(tool_env(), PORT='29531'))
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'Distributed training: True' in result.stdout
    if not torch.cuda.is_available():
        assert "backend='gloo'" in result.stdout

    reports = [read_report(work_dir, rank) for rank in (0, 1)]
    for rank, report in enumerate(reports):
        assert report['rank'] == rank
        assert report['world_size'] == 2
        assert (report['start_iter'], report['end_iter']) == (0, 4)
    # DDP averaged the gradients, so both replicas end with equal weights.
    assert reports[0]['student_weight_sum'] == pytest.approx(
        reports[1]['student_weight_sum'], rel=1e-6)

    ckpt = torch.load(work_dir / 'iter_4.pth', map_location='cpu')
    assert ckpt['meta']['iter'] == 4
    assert any(k.startswith('architecture.') for k in ckpt['state_dict'])
