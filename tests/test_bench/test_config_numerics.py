"""Run configs drop the short last batch; fingerprints; kernel numerics."""
from __future__ import annotations

import os.path as osp
import subprocess
import sys

import pytest

import lfcc_mm  # noqa: F401
from lfcc_mm.bench.config import Schedule, build_run_config
from lfcc_mm.bench.data import folder_data
from lfcc_mm.bench.fingerprint import run_fingerprint, shaping_config
from lfcc_mm.bench.methods import build_method_model
from lfcc_mm.bench.zoo import PAIRS

from .conftest import REPO, make_image_folder


def _cfg(data, seed=0, work_dir='w', lr=2e-3, teacher_ckpt='t.pth'):
    model = build_method_model('kd', PAIRS['cnn2vit'], data.num_classes,
                               teacher_ckpt)
    return build_run_config(data, model, Schedule(epochs=1, lr=lr), seed,
                            work_dir)


def test_train_loader_drops_a_last_batch_of_one(tmp_path):
    """9 images, batch 4: training sees 4 + 4, testing all 9."""
    from mmengine.runner import Runner
    root = str(tmp_path / 'imgs')
    make_image_folder(root, 3)  # 3 classes x 3 = 9 images
    data = folder_data(root, root, batch_size=4, num_workers=0)
    cfg = _cfg(data)
    train = Runner.build_dataloader(cfg.train_dataloader, seed=0)
    val = Runner.build_dataloader(cfg.val_dataloader, seed=0)
    assert [len(b['inputs']) for b in train] == [4, 4]
    assert [len(b['inputs']) for b in val] == [4, 4, 1]


def test_fingerprint_ignores_paths_and_logging_not_settings(tmp_path):
    root = str(tmp_path / 'imgs')
    make_image_folder(root, 1)
    data = folder_data(root, root, batch_size=2, num_workers=0)
    base = run_fingerprint(_cfg(data), 'a' * 64)
    other_dirs = _cfg(data, work_dir='elsewhere', teacher_ckpt='moved.pth')
    other_dirs.default_hooks.logger.interval = 99
    assert run_fingerprint(other_dirs, 'a' * 64) == base
    assert run_fingerprint(_cfg(data), 'b' * 64) != base  # other teacher
    assert run_fingerprint(_cfg(data, seed=1), 'a' * 64) != base
    assert run_fingerprint(_cfg(data, lr=1e-3), 'a' * 64) != base
    assert run_fingerprint(_cfg(data), 'a' * 64,
                           dict(numerics=dict(cpu_isa='native'))) != base
    with pytest.raises(ValueError, match='pass its content hash'):
        shaping_config(_cfg(data))


@pytest.mark.slow
def test_pin_cpu_numerics_in_a_fresh_process():
    """Pinned before the first op, ATen runs AVX2 kernels (x86 only)."""
    code = (
        'import importlib.util, json, sys\n'
        'spec = importlib.util.spec_from_file_location("n", sys.argv[1])\n'
        'n = importlib.util.module_from_spec(spec)\n'
        'spec.loader.exec_module(n)\n'
        'print(json.dumps(n.pin_cpu_numerics(1)))\n'
        'import torch\n'
        'torch.ones(3).sum()\n')
    path = osp.join(REPO, 'lfcc_mm', 'bench', 'numerics.py')
    env = {k: v for k, v in __import__('os').environ.items()
           if k not in ('ATEN_CPU_CAPABILITY', 'ONEDNN_MAX_CPU_ISA',
                        'MKL_CBWR')}
    out = subprocess.run([sys.executable, '-c', code, path], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    import json
    numerics = json.loads(out.stdout.strip().splitlines()[-1])
    import platform
    if platform.machine().lower() not in ('x86_64', 'amd64'):
        pytest.skip('the pin applies to x86 only')
    assert numerics['aten'] in ('AVX2', 'DEFAULT')
    assert numerics['ONEDNN_MAX_CPU_ISA'] == 'AVX2'
    assert numerics['MKL_CBWR'] == 'AVX2' and numerics['threads'] == 1


def test_pin_after_torch_chose_another_isa_raises(monkeypatch):
    import torch

    from lfcc_mm.bench import numerics
    torch.ones(2).sum()
    chosen = torch.backends.cpu.get_cpu_capability()
    other = 'default' if chosen != 'DEFAULT' else 'avx2'
    monkeypatch.setenv('ATEN_CPU_CAPABILITY', other)
    for name in ('ONEDNN_MAX_CPU_ISA', 'MKL_CBWR'):  # restored afterwards
        monkeypatch.setenv(name, numerics.PINNED_ENV[name])
    monkeypatch.setattr(numerics.platform, 'machine', lambda: 'x86_64')
    threads = torch.get_num_threads()
    try:
        with pytest.raises(RuntimeError, match='before any torch operation'):
            numerics.pin_cpu_numerics(1)
    finally:
        torch.set_num_threads(threads)
