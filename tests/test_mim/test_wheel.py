"""mim, as an OpenMMLab user runs it: from an installed wheel, elsewhere.

One slow module. It builds the wheel (``pip wheel --no-deps``) from a copy
of the checkout, installs it into a fresh virtual environment that reuses
the pinned stack (a ``.pth`` line naming this interpreter's site-packages;
``lfcc_mm`` itself comes only from the wheel), and from a folder that is
not the checkout runs ``mim list``, ``mim search``, ``mim download`` and
``mim train`` (one step, on ten generated images) of a benchmark config,
which must find its shipped teacher weights inside the installed package.

``mim download`` fetches ``Weights`` URLs with ``requests``. Offline, the
published release (:data:`lfcc_mm.zoo.WEIGHTS_URL`) is stood in for by a
``requests`` adapter that serves the checkout's ``checkpoints/`` files by
name; everything else is mim's own code.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
pytest.importorskip(
    'mim', reason='openmim: pip install --no-deps -r requirements/mim.txt')

REPO = Path(__file__).resolve().parents[2]
CLASSES = ('airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog',
           'horse', 'ship', 'truck')
PAIR_CONFIG = 'kd_vit-s_res18-w16_cifar10'

FAKE_RELEASE = '''
import io
import sys
from pathlib import Path

import requests
from requests.adapters import BaseAdapter

from lfcc_mm import zoo

ROOT = Path(sys.argv.pop(1))


class Release(BaseAdapter):
    """Serves WEIGHTS_URL/<name> from ROOT (the checkout's checkpoints/)."""

    def send(self, request, **kwargs):
        name = request.url[len(zoo.WEIGHTS_URL) + 1:]
        found = list(ROOT.rglob(name))
        resp = requests.Response()
        resp.url, resp.request = request.url, request
        resp.status_code = 200 if len(found) == 1 else 404
        data = found[0].read_bytes() if len(found) == 1 else b'not found'
        resp.raw = io.BytesIO(data)
        resp.headers['content-length'] = str(len(data))
        return resp

    def close(self):
        pass


_init = requests.Session.__init__


def _mounted(self, *args, **kwargs):
    _init(self, *args, **kwargs)
    self.mount(zoo.WEIGHTS_URL + '/', Release())


requests.Session.__init__ = _mounted
from mim.cli import cli  # noqa: E402

cli(args=sys.argv[1:], prog_name='mim')
'''


def _ignore(folder: str, names):
    top = Path(folder) == REPO
    drop = {'.git', '.venv', '__pycache__', '.pytest_cache', 'build'}
    if top:
        drop |= {'results', 'data', 'work_dirs', 'tests', 'docs', '.whl',
                 '.device'}
    return [n for n in names if n in drop or n.endswith('.egg-info')]


@pytest.fixture(scope='module')
def env(tmp_path_factory):
    """``(python, cwd, run)`` of a fresh environment with the wheel."""
    tmp = tmp_path_factory.mktemp('wheel')
    src = tmp / 'src'
    shutil.copytree(REPO, src, symlinks=True, ignore=_ignore)
    # a shipped student: published, but not in the wheel
    students = src / 'checkpoints' / 'benchmark' / 'cifar10' / 'students'
    students.mkdir(exist_ok=True)  # the shipped ones, and one more
    (students / 'kd_x_cifar10.pth').write_bytes(b'x')
    sums = students / 'SHA256SUMS'
    sums.write_text((sums.read_text() if sums.exists() else '') +
                    hashlib.sha256(b'x').hexdigest() + '  kd_x_cifar10.pth\n')
    subprocess.run([sys.executable, '-m', 'pip', 'wheel', '--no-deps',
                    '--no-build-isolation', '-q', str(src), '-w',
                    str(tmp / 'dist')], check=True, cwd=tmp)
    wheel, = (tmp / 'dist').glob('lfcc_mm-*.whl')
    venv = tmp / 'venv'
    subprocess.run([sys.executable, '-m', 'venv', '--without-pip', str(venv)],
                   check=True)
    python = str(venv / 'bin' / 'python')
    purelib = subprocess.run(
        [python, '-c', 'import sysconfig; '
         'print(sysconfig.get_paths()["purelib"])'],
        check=True, capture_output=True, text=True).stdout.strip()
    # the pinned stack, as plain path entries: the editable install of the
    # checkout there (a .pth of its own) is not processed
    Path(purelib, 'pinned_stack.pth').write_text(
        '\n'.join(site.getsitepackages()) + '\n')
    clean = {k: v for k, v in os.environ.items() if k != 'PYTHONPATH'}
    subprocess.run([python, '-m', 'pip', 'install', '-q', '-I', '--no-deps',
                    '--no-index', str(wheel)], check=True, env=clean)
    cwd = tmp / 'elsewhere'
    cwd.mkdir()

    def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run([python, *args], cwd=cwd, env=clean,
                              capture_output=True, text=True, timeout=300,
                              **kwargs)

    return dict(python=python, cwd=cwd, run=run, wheel=wheel,
                purelib=purelib)


def _ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[
        -3000:]
    return result.stdout


def test_the_wheel_holds_what_mim_reads_and_no_students(env):
    names = zipfile.ZipFile(env['wheel']).namelist()
    for name in ('lfcc_mm/.mim/model-index.yml',
                 'lfcc_mm/.mim/configs/benchmark/cifar10/metafile.yml',
                 f'lfcc_mm/.mim/configs/benchmark/cifar10/{PAIR_CONFIG}.py',
                 'lfcc_mm/.mim/tools/train.py',
                 'lfcc_mm/.mim/checkpoints/benchmark/cifar10/SHA256SUMS',
                 'lfcc_mm/.mim/checkpoints/benchmark/cifar10/'
                 'vit-s_cifar10.pth'):
        assert name in names, name
    assert not [n for n in names
                if '/checkpoints/' in n and '/students/' in n]


def test_the_installed_package_finds_its_shipped_weights(env):
    out = _ok(env['run'](
        '-c', 'import lfcc_mm, lfcc_mm.zoo as z; print(lfcc_mm.__file__); '
        "p = z.shipped_path('benchmark/cifar10/vit-s_cifar10.pth'); "
        'print(p); print(z.verify_shipped(p))')).split()
    assert out[0].startswith(env['purelib'])
    assert out[1].startswith(env['purelib'])
    assert out[2] == hashlib.sha256(
        (REPO / 'checkpoints' / 'benchmark' / 'cifar10' /
         'vit-s_cifar10.pth').read_bytes()).hexdigest()


def test_mim_list_and_search(env):
    assert 'lfcc' in _ok(env['run']('-m', 'mim', 'list')).lower()
    out = _ok(env['run']('-m', 'mim', 'search', 'lfcc_mm'))
    for name in ('vit-s_cifar10', PAIR_CONFIG,
                 'lfcc_deit-s_res18_8xb32_in1k'):
        assert f'config id: {name}\n' in out.lower(), name


def test_mim_download_gets_the_shipped_teacher(env):
    script = env['cwd'] / 'fake_release.py'
    script.write_text(FAKE_RELEASE)
    dest = env['cwd'] / 'dl'
    _ok(env['run'](str(script), str(REPO / 'checkpoints'), 'download',
                   'lfcc_mm', '--config', 'vit-s_cifar10', '--dest',
                   str(dest)))
    shipped = REPO / 'checkpoints' / 'benchmark' / 'cifar10' / \
        'vit-s_cifar10.pth'
    got = dest / 'vit-s_cifar10.pth'
    assert got.read_bytes() == shipped.read_bytes()
    assert (dest / 'vit-s_cifar10.py').is_file()  # the config, dumped


def test_mim_train_finds_the_teacher_weights_in_the_package(env):
    import cv2
    import numpy as np
    rng = np.random.default_rng(0)
    data = env['cwd'] / 'data'
    for name in CLASSES:
        (data / name).mkdir(parents=True)
        cv2.imwrite(str(data / name / '0.png'),
                    rng.integers(0, 255, (32, 32, 3), dtype=np.uint8))
    work = env['cwd'] / 'work'
    result = env['run'](
        '-m', 'mim', 'train', 'lfcc_mm', f'{PAIR_CONFIG}.py', '--work-dir',
        str(work), '--cfg-options', 'train_dataloader.dataset.data_root=data',
        'val_dataloader.dataset.data_root=data',
        'test_dataloader.dataset.data_root=data',
        'train_dataloader.batch_size=10', 'val_dataloader.batch_size=10',
        'train_dataloader.num_workers=0', 'val_dataloader.num_workers=0',
        'train_cfg.max_epochs=1')
    log = _ok(result) + result.stderr
    mim_dir = Path(env['purelib']) / 'lfcc_mm' / '.mim'
    assert f'Training command is {env["python"]} {mim_dir}/tools/train.py ' \
        f'{mim_dir}/configs/benchmark/cifar10/{PAIR_CONFIG}.py' in log
    assert 'Loads checkpoint by local backend from path: ' \
        f'{mim_dir}/configs/benchmark/cifar10/../../../checkpoints/' \
        'benchmark/cifar10/vit-s_cifar10.pth' in log
    assert (work / 'epoch_1.pth').is_file()
