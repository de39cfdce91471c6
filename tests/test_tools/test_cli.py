"""load_config applies the OpenMMLab options the way mmpretrain does."""
import argparse
import os

import pytest
import torch

import lfcc_mm  # noqa: F401 - custom_imports of the tiny config
from lfcc_mm.cli.runner import (add_common_args, load_cfg_file, load_config,
                               parse_args)
from lfcc_mm.errors import UserError

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


# ---- the flags of mmpretrain's tools ---------------------------------------

def test_no_validate_drops_the_validation_parts(in_project):
    cfg = load_config(_args(no_validate=True), 'train')
    assert cfg.val_cfg is None and cfg.val_dataloader is None
    assert cfg.val_evaluator is None
    assert cfg.test_dataloader is not None  # only validation goes
    assert load_config(_args(), 'train').val_dataloader is not None


def test_dataloader_defaults_and_their_flags(in_project, monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    workers = {'train_dataloader.num_workers': 2}
    cfg = load_config(_args(cfg_options=workers), 'train')
    # mmpretrain's defaults: pinned memory, persistent workers.
    assert cfg.train_dataloader.pin_memory is True
    assert cfg.train_dataloader.persistent_workers is True
    assert cfg.val_dataloader.pin_memory is True
    # torch refuses persistent workers without workers: not set there.
    assert 'persistent_workers' not in cfg.val_dataloader
    cfg = load_config(_args(cfg_options=workers, no_pin_memory=True,
                            no_persistent_workers=True), 'train')
    assert cfg.train_dataloader.pin_memory is False
    assert cfg.val_dataloader.pin_memory is False
    assert cfg.train_dataloader.persistent_workers is False
    # A config's own setting wins over the default (not over the flag).
    cfg = load_config(_args(cfg_options=dict(
        workers, **{'train_dataloader.persistent_workers': False})), 'train')
    assert cfg.train_dataloader.persistent_workers is False
    # --cfg-options win over the flags, as over every other option.
    cfg = load_config(_args(no_pin_memory=True, cfg_options={
        'train_dataloader.pin_memory': True}), 'train')
    assert cfg.train_dataloader.pin_memory is True
    # Without CUDA there is nothing to pin: the key is left unset.
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    assert 'pin_memory' not in load_config(_args(), 'train').train_dataloader


def test_test_mode_pin_memory_flag(in_project, tmp_path, monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    ckpt = tmp_path / 'model.pth'
    ckpt.write_bytes(b'')
    cfg = load_config(_args(checkpoint=str(ckpt)), 'test')
    assert cfg.test_dataloader.pin_memory is True
    assert 'persistent_workers' not in cfg.test_dataloader
    cfg = load_config(_args(checkpoint=str(ckpt), no_pin_memory=True), 'test')
    assert cfg.test_dataloader.pin_memory is False


def test_auto_scale_lr_flag_enables_the_config_setting(in_project):
    base = {'auto_scale_lr.base_batch_size': 16}
    cfg = load_config(_args(cfg_options=base), 'train')
    assert cfg.auto_scale_lr.get('enable', False) is False
    cfg = load_config(_args(cfg_options=base, auto_scale_lr=True), 'train')
    assert cfg.auto_scale_lr.enable is True
    assert cfg.auto_scale_lr.base_batch_size == 16
    with pytest.raises(UserError, match='sets no auto_scale_lr.base_batch_'
                       r'size \(got None\).*--cfg-options auto_scale_lr'):
        load_config(_args(auto_scale_lr=True), 'train')


@pytest.mark.slow
def test_auto_scale_lr_scales_the_runner_lr(in_project, tmp_path):
    """The Runner built from the config scales lr 0.05 by 8 x 4 / 16."""
    from mmengine.runner import Runner
    cfg = load_config(
        _args(auto_scale_lr=True, no_validate=True,
              work_dir=str(tmp_path / 'work'),
              cfg_options={'auto_scale_lr.base_batch_size': 16,
                           'train_cfg.max_iters': 1,
                           'default_hooks.checkpoint.interval': 100}),
        'train')
    runner = Runner.from_cfg(cfg)
    runner._world_size = 8  # as if launched on 8 GPUs: batch 32 in all
    runner.train()
    assert runner.optim_wrapper.get_lr()['lr'] == [pytest.approx(0.1)]
    assert runner.val_loop is None  # --no-validate: nothing evaluated


def test_out_flags(in_project, tmp_path):
    ckpt = tmp_path / 'model.pth'
    ckpt.write_bytes(b'')
    cfg = load_config(_args(checkpoint=str(ckpt), out='r/preds.pkl'), 'test')
    assert [m.type for m in cfg.test_evaluator] == [
        'mmpretrain.Accuracy', 'mmengine.DumpResults']
    assert cfg.test_evaluator[1].out_file_path == 'r/preds.pkl'
    cfg = load_config(_args(checkpoint=str(ckpt), out='m.json',
                            out_item='metrics'), 'test')
    assert cfg.test_evaluator.type == 'mmpretrain.Accuracy'
    assert cfg.custom_hooks[-1] == dict(type='DumpMetricsHook',
                                        out_file='m.json')
    for kwargs, message in [
            (dict(out_item='metrics'), '--out-item needs --out FILE'),
            (dict(out='preds.json'), "'preds.json': predictions are written "
             'as a pickle'),
            (dict(out='m.txt', out_item='metrics'), "'m.txt': metrics are "
             'written as .json'),
            (dict(out=str(tmp_path)), 'is a folder')]:
        with pytest.raises(UserError, match=message):
            load_config(_args(checkpoint=str(ckpt), **kwargs), 'test')


@pytest.mark.parametrize('tool', ['train.py', 'test.py'])
def test_tool_parsers_have_the_flags(tool):
    import importlib.util

    from .conftest import TOOLS
    spec = importlib.util.spec_from_file_location(tool[:-3], TOOLS / tool)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    argv = ['cfg.py'] + (['ckpt.pth'] if tool == 'test.py' else [])
    flags = (['--auto-scale-lr', '--no-validate', '--no-pin-memory',
              '--no-persistent-workers'] if tool == 'train.py' else
             ['--out', 'a.json', '--out-item', 'metrics', '--amp',
              '--no-pin-memory'])
    args = module.build_parser().parse_args(argv + flags)
    if tool == 'train.py':
        assert args.auto_scale_lr and args.no_validate
        assert args.no_pin_memory and args.no_persistent_workers
    else:
        assert (args.out, args.out_item) == ('a.json', 'metrics')
        assert args.no_pin_memory and args.amp


# ---- one line instead of a trace -------------------------------------------

def test_config_syntax_error_names_file_and_line(tmp_path):
    bad = tmp_path / 'bad.py'
    bad.write_text('a = 1\nmodel = dict(type="X"\nb = 2\n')
    with pytest.raises(UserError) as info:
        load_cfg_file(str(bad))
    assert str(info.value) == (
        f"config file {bad}, line 2: syntax error: '(' was never closed: "
        'model = dict(type="X"')
    child = tmp_path / 'child.py'
    child.write_text("_base_ = ['bad.py']\nc = 3\n")
    with pytest.raises(UserError, match=rf"config file {bad} \(a _base_ of "
                       rf"{child}\), line 2: syntax error"):
        load_cfg_file(str(child))


def test_cfg_options_item_without_equals_sign():
    parser = argparse.ArgumentParser()
    add_common_args(parser)
    args = parser.parse_args(['--cfg-options', 'train_cfg.max_iters=3',
                              '+model.x=1'])
    assert args.cfg_options == {'train_cfg.max_iters': 3, '+model.x': 1}
    with pytest.raises(UserError, match="--cfg-options: 'train_cfg.max_iters'"
                       ' is not key=value; write e.g. train_cfg.max_iters=10'):
        parser.parse_args(['--cfg-options', 'train_cfg.max_iters', '=', '3'])
    with pytest.raises(UserError, match="'=3' is not key=value"):
        parser.parse_args(['--cfg-options', '=3'])


def test_load_config_refuses_typos_and_file_work_dirs(in_project):
    with pytest.raises(UserError, match="'train_cfg.max_iter' is not in the "
                       "config \\(did you mean 'train_cfg.max_iters'\\?\\)"):
        load_config(_args(cfg_options={'train_cfg.max_iter': 10}), 'train')
    cfg = load_config(_args(cfg_options={'+train_cfg.max_iter': 10}),
                      'train')
    assert cfg.train_cfg.max_iter == 10 and cfg.train_cfg.max_iters == 4
    (in_project / 'taken').write_text('a file')
    with pytest.raises(UserError, match="work_dir 'taken' is an existing "
                       'file, not a folder'):
        load_config(_args(work_dir='taken'), 'train')
    with pytest.raises(UserError, match="work_dir 'taken' is an existing"):
        load_config(_args(cfg_options={'work_dir': 'taken'}), 'train')



def test_a_multi_process_run_must_have_the_configs_total_batch(
        in_project, monkeypatch):
    """``dist_train.sh <1xb128 config> 8`` would train a 1,024 batch with the
    lr of 128 without a word: refused, with the three ways out."""
    batch = load_config(_args(), 'train').train_dataloader.batch_size
    monkeypatch.setenv('WORLD_SIZE', '8')
    one_proc = {'auto_scale_lr.base_batch_size': batch}
    with pytest.raises(UserError, match=(
            rf'total batch of {batch} \(auto_scale_lr.base_batch_size\), '
            rf'but this run has 8 processes x {batch} images = {8 * batch}: '
            r'use the config made for 8 processes.*--auto-scale-lr.*'
            rf'--cfg-options auto_scale_lr.base_batch_size={8 * batch}$')):
        load_config(_args(launcher='pytorch', cfg_options=one_proc), 'train')
    # the 8-process setting, the lr scaled, or one process: accepted
    eight = {'auto_scale_lr.base_batch_size': 8 * batch}
    load_config(_args(launcher='pytorch', cfg_options=eight), 'train')
    load_config(_args(launcher='pytorch', cfg_options=one_proc,
                      auto_scale_lr=True), 'train')
    load_config(_args(cfg_options=one_proc), 'train')  # launcher none


def test_the_ofa_cifar100_configs_are_refused_on_the_wrong_process_count(
        monkeypatch):
    from .conftest import REPO
    folder = REPO / 'configs' / 'lfcc' / 'cifar100_ofa'
    monkeypatch.setenv('WORLD_SIZE', '8')
    with pytest.raises(UserError, match=r'1xb128_cifar100-224.py sets its '
                       r'learning rate for a total batch of 128 .* 8 '
                       r'processes x 128 images = 1024'):
        load_config(_args(config=str(
            folder / 'lfcc_vit-s_res18_1xb128_cifar100-224.py'),
            launcher='pytorch'), 'train')
    # its 8xb128 twin passes the check (and stops later, at the missing data)
    with pytest.raises(UserError) as err:
        load_config(_args(config=str(
            folder / 'lfcc_vit-s_res18_8xb128_cifar100-224.py'),
            launcher='pytorch'), 'train')
    assert 'total batch' not in str(err.value)
