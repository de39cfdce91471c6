import importlib.util
import json
import os.path as osp

import pytest

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(ROOT, 'tools', 'analysis', 'feature_spectrum.py')
PNG_MAGIC = b'\x89PNG\r\n\x1a\n'


@pytest.fixture(scope='module')
def tool():
    """The command-line tool as a module (main, parse_args, ...)."""
    spec = importlib.util.spec_from_file_location('feature_spectrum', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_end_to_end_on_tiny_models(tool, tiny_config, image_folder,
                                   checkpoints, tmp_path, capsys,
                                   one_torch_thread):
    work_dir = tmp_path / 'out'
    # The same student saved two ways: both must give identical numbers.
    result = tool.main([
        tiny_config, '--data', image_folder,
        '--teacher-ckpt', checkpoints['teacher'],
        '--student-ckpt', checkpoints['full'], checkpoints['plain'],
        '--labels', 'scratch', 'LFCC', '--num-images', '10',
        '--batch-size', '4', '--work-dir', str(work_dir)])

    for name in ('spectra.png', 'cka_scratch.png', 'cka_LFCC.png'):
        assert (work_dir / name).read_bytes()[:8] == PNG_MAGIC
    with open(work_dir / 'spectrum.json') as f:
        saved = json.load(f)
    assert saved == json.loads(json.dumps(result))
    assert saved['num_images'] == 10
    assert saved['cka_estimator'] == 'debiased'
    assert saved['teacher_ckpt'] == checkpoints['teacher']

    stages = saved['stages']
    assert list(stages) == ['loss_lfcc_early', 'loss_lfcc_late']
    assert stages['loss_lfcc_early']['teacher_map'] == [32, 8, 8]
    assert stages['loss_lfcc_early']['student_map'] == [8, 8, 8]
    assert stages['loss_lfcc_late']['student_map'] == [8, 4, 4]
    assert stages['loss_lfcc_late']['cka_grid'] == [4, 4]

    summaries = [saved['teacher'][s] for s in stages] + [
        student['spectra'][s] for student in saved['students'].values()
        for s in stages]
    for summary in summaries:
        assert summary['freqs'][0] == 0.0
        assert len(summary['freqs']) == len(summary['relative_power'])
        fractions = [summary['low_freq_fraction'][k] for k in '124']
        assert all(0 <= f <= 1 for f in fractions)
        assert fractions == sorted(fractions)
    # A 4 x 4 map is entirely below the 4 x 4 cutoff.
    late = saved['students']['LFCC']['spectra']['loss_lfcc_late']
    assert late['low_freq_fraction']['4'] == pytest.approx(1.0)

    assert list(saved['students']) == ['scratch', 'LFCC']
    scratch, lfcc = saved['students']['scratch'], saved['students']['LFCC']
    assert scratch['checkpoint'] == checkpoints['full']
    for stage in stages:
        assert list(scratch['cka'][stage]) == ['raw', 's1', 's2', 's4']
        assert all(-1 <= v <= 1 for v in scratch['cka'][stage].values())
    assert scratch['cka'] == lfcc['cka']
    assert scratch['spectra'] == lfcc['spectra']

    table = capsys.readouterr().out
    assert 'CKA raw' in table and 'scratch' in table and 'LFCC' in table


def test_labels_must_match_checkpoints(tool):
    with pytest.raises(SystemExit):
        tool.parse_args(['cfg.py', '--data', 'd', '--student-ckpt', 'a.pth',
                         'b.pth', '--labels', 'only_one'])


def test_default_labels(tool):
    assert tool.student_runs([], None) == [('init', None)]
    assert tool.student_runs(['w/lfcc.pth', 'w/kd.pth'], None) == [
        ('lfcc', 'w/lfcc.pth'), ('kd', 'w/kd.pth')]
    runs = tool.student_runs(['a/epoch_9.pth', 'b/epoch_9.pth'], None)
    assert [label for label, _ in runs] == ['a/epoch_9', 'b/epoch_9']
