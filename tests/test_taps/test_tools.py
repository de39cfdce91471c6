"""The two tools: what they print and write, and their one-line errors."""
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _load(rel):
    spec = importlib.util.spec_from_file_location(Path(rel).stem,
                                                  REPO / rel)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


list_taps = _load('tools/analysis/list_taps.py')
make_pair_config = _load('tools/misc/make_pair_config.py')


def test_list_taps_prints_stages_layouts_and_default_taps(capsys):
    list_taps.main(['timm:regnetx_002', '--input-size', '64'])
    out = capsys.readouterr().out
    assert 'model.final_conv' in out and 'nchw' in out and '1/32' in out
    assert 'logits: model.head.fc' in out
    assert 'OFA-KD branch taps (as student): model.s1, model.s2' in out


def test_make_pair_config_writes_all_methods_and_never_overwrites(
        tmp_path, capsys):
    argv = ['timm:regnetx_002', 'timm:mobilenetv3_small_050', '--method',
            'all', '--out-dir', str(tmp_path), '--input-size', '64']
    written = make_pair_config.main(argv)
    names = sorted(Path(p).name for p in written)
    assert names == sorted(
        f'{m}_regnetx-002_mobilenetv3-small-050_8xb32_in1k.py'
        for m in ('kd', 'lfcc', 'lfcc-kd', 'ofa'))
    before = {p: Path(p).read_text() for p in written}
    with pytest.raises(SystemExit) as err:
        make_pair_config.main(argv)
    assert err.value.code == 2
    assert 'exists; pass --force' in capsys.readouterr().err
    assert {p: Path(p).read_text() for p in written} == before


def test_unknown_model_is_one_line_and_exit_2(tmp_path):
    """As a user runs it: a subprocess, from another folder."""
    proc = subprocess.run(
        [sys.executable, str(REPO / 'tools/misc/make_pair_config.py'),
         'timm:no_such_net', 'timm:regnetx_002', '--out-dir', str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert proc.returncode == 2
    lines = [ln for ln in proc.stderr.splitlines()
             if ln.startswith('make_pair_config.py: error:')]
    assert len(lines) == 1, proc.stderr[-500:]
    assert "teacher 'timm:no_such_net': timm has no model" in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_unknown_method_is_refused_before_any_model_is_built(
        tmp_path, capsys):
    with pytest.raises(SystemExit) as err:
        make_pair_config.main(['timm:regnetx_002', 'timm:regnetx_002',
                               '--method', 'lfcc', 'fitnet', '--out-dir',
                               str(tmp_path)])
    assert err.value.code == 2
    assert '--method fitnet: unknown; choose from lfcc, lfcc-kd, kd, ofa' \
        in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
