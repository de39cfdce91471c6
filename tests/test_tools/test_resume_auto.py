"""``tools/train.py --resume``: what ``load_config`` sets up to resume."""
import argparse

import pytest
import torch

from lfcc_mm.cli.runner import load_config
from lfcc_mm.errors import UserError

from .conftest import TINY_CONFIG, write_tiny_images


def _args(resume, work_dir, cfg_options=None) -> argparse.Namespace:
    return argparse.Namespace(
        config=str(TINY_CONFIG), work_dir=str(work_dir), launcher='none',
        cfg_options=cfg_options, amp=False, resume=resume)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """cwd with data/tiny and a work dir whose latest checkpoint is torn."""
    write_tiny_images(tmp_path / 'data' / 'tiny', per_class=1)
    monkeypatch.chdir(tmp_path)
    work_dir = tmp_path / 'work'
    work_dir.mkdir()
    torch.save(dict(meta=dict(iter=2)), work_dir / 'iter_2.pth')
    (work_dir / 'iter_4.pth').write_bytes(
        (work_dir / 'iter_2.pth').read_bytes()[:100])  # killed mid-write
    (work_dir / 'last_checkpoint').write_text(str(work_dir / 'iter_4.pth'))
    return tmp_path


def test_auto_resumes_from_the_newest_complete_checkpoint(project):
    cfg = load_config(_args('auto', project / 'work'), 'train')
    assert (cfg.resume, cfg.load_from) == (
        True, str(project / 'work' / 'iter_2.pth'))


def test_auto_looks_in_the_work_dir_of_cfg_options(project):
    cfg = load_config(_args('auto', project / 'work', dict(
        work_dir=str(project / 'other'))), 'train')
    assert cfg.work_dir == str(project / 'other')
    assert (cfg.resume, cfg.load_from) == (False, None)  # nothing there


def test_no_resume_leaves_the_config_alone(project):
    cfg = load_config(_args(None, project / 'work'), 'train')
    assert (cfg.resume, cfg.load_from) == (False, None)


def test_explicit_torn_checkpoint_is_a_user_error(project):
    with pytest.raises(UserError, match=r"--resume checkpoint '.*iter_4.pth' "
                       r'is truncated or corrupt .* holds iter_2.pth;'):
        load_config(_args(str(project / 'work' / 'iter_4.pth'),
                          project / 'work'), 'train')
