"""Run configs drop the short last batch; fingerprints; kernel numerics."""
from __future__ import annotations

import os.path as osp
import subprocess
import sys

import pytest

import lfcc_mm  # noqa: F401
from lfcc_mm.bench.fingerprint import run_fingerprint, shaping_config
from lfcc_mm.bench.run_config import load_bench_config

from .conftest import REPO

KD = osp.join(REPO, 'configs', 'benchmark', 'digits',
              'kd_resnet18-w16_vit-t_digits.py')


def _cfg(seed=0, work_dir='w', teacher_ckpt='t.pth', **kwargs):
    """The digits KD config of one run, as the driver resolves it."""
    return load_bench_config(KD, work_dir, seed=seed,
                             teacher_ckpt=teacher_ckpt, **kwargs)


def test_train_loader_drops_a_last_batch_of_one():
    """10 digits (one per class), batch 3: training sees 3 x 3, testing
    every one of the 360 test digits."""
    from mmengine.runner import Runner
    cfg = _cfg(train_per_class=1,
               cfg_options={'train_dataloader.batch_size': 3,
                            'val_dataloader.batch_size': 100})
    train = Runner.build_dataloader(cfg.train_dataloader, seed=0)
    val = Runner.build_dataloader(cfg.val_dataloader, seed=0)
    assert [len(b['inputs']) for b in train] == [3, 3, 3]
    assert [len(b['inputs']) for b in val] == [100, 100, 100, 60]


def test_fingerprint_ignores_paths_and_logging_not_settings():
    base = run_fingerprint(_cfg(), 'a' * 64)
    other_dirs = _cfg(work_dir='elsewhere', teacher_ckpt='moved.pth')
    other_dirs.default_hooks.logger.interval = 99
    assert run_fingerprint(other_dirs, 'a' * 64) == base
    # a variable of a base file that no run reads (a pipeline, a model's
    # taps): the run is the same, so is its fingerprint
    unused = _cfg()
    unused.kd_ofakd = dict(distiller=dict(type='CheckedDistiller'))
    assert run_fingerprint(unused, 'a' * 64) == base
    assert run_fingerprint(_cfg(), 'b' * 64) != base  # other teacher
    assert run_fingerprint(_cfg(seed=1), 'a' * 64) != base
    assert run_fingerprint(_cfg(epochs=1), 'a' * 64) != base
    assert run_fingerprint(_cfg(train_per_class=13), 'a' * 64) != base
    lower_lr = _cfg(cfg_options={'optim_wrapper.optimizer.lr': 1e-3})
    assert run_fingerprint(lower_lr, 'a' * 64) != base
    assert run_fingerprint(_cfg(), 'a' * 64,
                           dict(numerics=dict(cpu_isa='native'))) != base
    with pytest.raises(ValueError, match='pass its content hash'):
        shaping_config(_cfg())


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
