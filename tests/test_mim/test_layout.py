"""What mim reads, laid out as mim expects (offline, no mim needed).

mim 0.3.9 reads ``<package>/.mim/model-index.yml`` (``mim search`` /
``download``), ``.mim/configs`` (``mim train`` / ``download``) and
``.mim/tools``; ``mim download`` fetches ``Weights`` with ``requests``, so
only http(s) URLs work there. The installed-wheel run is ``test_wheel.py``.
"""
from __future__ import annotations

import os.path as osp
from pathlib import Path

import pytest
import yaml
from mmengine.config import Config

from lfcc_mm import zoo

REPO = Path(__file__).resolve().parents[2]
MIM = REPO / 'lfcc_mm' / '.mim'
BENCH = REPO / 'configs' / 'benchmark' / 'cifar10'


def _models():
    """Every (metafile, model) that the model index imports."""
    index = yaml.safe_load((MIM / 'model-index.yml').read_text())
    for rel in index['Import']:
        meta = yaml.safe_load((MIM / rel).read_text())
        for model in meta['Models']:
            yield rel, model


def test_mim_folder_mirrors_the_checkout():
    for name in ('model-index.yml', 'configs', 'tools', 'checkpoints'):
        assert osp.samefile(MIM / name, REPO / name), name


def test_model_index_loads_as_mim_search_reads_it():
    modelindex = pytest.importorskip('modelindex.load_model_index')
    index = modelindex.load(str(MIM / 'model-index.yml'))
    names = {m.name for m in index.models}
    assert {'vit-s_cifar10', 'lfcc_kd_res18-w32_vit-t_cifar10'} <= names


def test_every_config_is_under_mim_and_weights_are_urls():
    models = list(_models())
    assert len(models) > 50
    for rel, model in models:
        assert (MIM / model['Config']).is_file(), (rel, model['Config'])
        weights = model.get('Weights')
        if weights is None:
            continue
        # a path would crash `mim download` (requests refuses it)
        assert weights.startswith('https://'), (rel, model['Name'])
        if weights.startswith(zoo.WEIGHTS_URL + '/'):
            name = weights[len(zoo.WEIGHTS_URL) + 1:]
            found = [p for p in (REPO / 'checkpoints').rglob(name)]
            assert len(found) == 1, (model['Name'], name)
            assert zoo.is_shipped(found[0].relative_to(
                REPO / 'checkpoints').as_posix()), name


def test_shipped_teachers_are_published():
    weights = {m['Name']: m.get('Weights') for _, m in _models()}
    for teacher in ('vit-s', 'res18-w32'):
        assert weights[f'{teacher}_cifar10'] == zoo.weights_url(
            f'benchmark/cifar10/{teacher}_cifar10.pth')


@pytest.mark.parametrize('pair', ['vit-s_res18-w16', 'res18-w32_vit-t',
                                  'res18-w32_mixer-t', 'vit-s_mixer-t'])
def test_benchmark_teacher_weights_resolve_from_any_folder(
        pair, tmp_path, monkeypatch):
    """The config names them relative to itself ({{ fileDirname }}), so
    another working folder finds the same shipped, checksummed file."""
    monkeypatch.chdir(tmp_path)
    for method in ('kd', 'lfcc_s1'):  # a pair config and a derived one
        ckpt = Config.fromfile(
            str(BENCH / f'{method}_{pair}_cifar10.py')).model.teacher_ckpt
        assert osp.isabs(ckpt) and osp.isfile(ckpt), ckpt
        assert zoo.verify_shipped(ckpt) is not None, ckpt


def test_the_wheel_carries_what_mim_reads():
    setup = (REPO / 'setup.py').read_text()
    for pattern in ('.mim/model-index.yml', '.mim/configs/**/*',
                    '.mim/tools/**/*', '.mim/checkpoints/**/*',
                    '.mim/checkpoints/**/students/*'):
        assert f"'{pattern}'" in setup, pattern
    manifest = (REPO / 'MANIFEST.in').read_text()
    assert 'recursive-include checkpoints *.pth SHA256SUMS' in manifest
