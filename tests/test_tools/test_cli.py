"""load_config applies the OpenMMLab options the way mmpretrain does."""
import argparse
import os

import pytest
import torch

import lfcc_mm  # noqa: F401 - custom_imports of the tiny config
from lfcc_mm.utils.cli import add_common_args, load_config, parse_args
from lfcc_mm.utils.user_errors import UserError

from .conftest import TINY_CONFIG, write_tiny_images


@pytest.fixture
def in_project(tmp_path, monkeypatch):
    """cwd with data/tiny, so the tiny config's relative data_root exists."""
    write_tiny_images(tmp_path / 'data' / 'tiny', per_class=1)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _args(**kwargs) -> argparse.Namespace:
    defaults = dict(config=str(TINY_CONFIG), work_dir=None, cfg_options=None,
                    launcher='none', amp=False, resume=None, checkpoint=None)
    return argparse.Namespace(**dict(defaults, **kwargs))


def test_defaults(in_project, monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    cfg = load_config(_args(), 'train')
    assert cfg.work_dir == os.path.join('./work_dirs', 'tiny_lfcc_vit_resnet')
    assert cfg.launcher == 'none'
    assert cfg.resume is False and cfg.load_from is None
    assert cfg.optim_wrapper.get('type', 'OptimWrapper') == 'OptimWrapper'
    # CPU-only machine: adapt_cfg_for_device was applied
    assert cfg.env_cfg.dist_cfg.backend == 'gloo'
    assert cfg.model_wrapper_cfg.device_ids is None


def test_resume_auto_and_path(in_project, tmp_path):
    # auto without a checkpoint: a warning, then training from scratch
    # (tests/test_engine/test_resume_checkpoint.py has the other cases).
    cfg = load_config(_args(resume='auto'), 'train')
    assert cfg.resume is False and cfg.load_from is None
    ckpt = tmp_path / 'iter_2.pth'
    torch.save(dict(meta=dict(iter=2)), ckpt)
    cfg = load_config(_args(resume=str(ckpt)), 'train')
    assert cfg.resume is True and cfg.load_from == str(ckpt)
    ckpt.write_bytes(b'')
    with pytest.raises(UserError, match="--resume checkpoint '.*iter_2.pth' "
                       r'is empty \(0 bytes\)'):
        load_config(_args(resume=str(ckpt)), 'train')
    with pytest.raises(UserError, match="--resume checkpoint 'nope.pth' "
                       'does not exist'):
        load_config(_args(resume='nope.pth'), 'train')


def test_amp_is_bf16_on_cpu_and_fp16_on_cuda(in_project, monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    wrapper = load_config(_args(amp=True), 'train').optim_wrapper
    assert wrapper.type == 'CPUAmpOptimWrapper'
    assert wrapper.dtype == 'bfloat16' and 'loss_scale' not in wrapper
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    cfg = load_config(_args(amp=True), 'train')
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
    assert cfg.optim_wrapper.loss_scale == 'dynamic'
    assert cfg.env_cfg.dist_cfg.backend == 'nccl'  # left alone on CUDA


def test_cfg_options_win_over_other_options(in_project):
    cfg = load_config(
        _args(work_dir='a', cfg_options={'work_dir': 'b',
                                         'train_cfg.max_iters': 7}), 'train')
    assert cfg.work_dir == 'b' and cfg.train_cfg.max_iters == 7


def test_test_mode_needs_checkpoint_and_test_parts(in_project, tmp_path):
    ckpt = tmp_path / 'model.pth'
    ckpt.write_bytes(b'')
    cfg = load_config(_args(checkpoint=str(ckpt)), 'test')
    assert cfg.load_from == str(ckpt)
    with pytest.raises(UserError, match="checkpoint 'x.pth' does not exist"):
        load_config(_args(checkpoint='x.pth'), 'test')
    with pytest.raises(UserError, match='sets no test_dataloader'):
        load_config(_args(checkpoint=str(ckpt),
                          cfg_options={'test_dataloader': None}), 'test')


def test_both_local_rank_spellings(monkeypatch):
    parser = argparse.ArgumentParser()
    add_common_args(parser)
    monkeypatch.delenv('LOCAL_RANK', raising=False)
    monkeypatch.setattr('sys.argv', ['train.py', '--local_rank', '3'])
    assert parse_args(parser).local_rank == 3
    assert os.environ['LOCAL_RANK'] == '3'
    monkeypatch.setattr('sys.argv', ['train.py', '--local-rank=1'])
    assert parse_args(parser).local_rank == 1
