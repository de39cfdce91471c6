"""The launch scripts pass the documented arguments and environment.

``srun`` and the Python interpreter are replaced by a stub that prints its
arguments, so the exact command line is checked without a cluster.
"""
import os
import stat
import subprocess

import pytest

from .conftest import TOOLS

SCRIPTS = ['dist_train.sh', 'dist_test.sh', 'slurm_train.sh', 'slurm_test.sh']


@pytest.fixture
def stub_bin(tmp_path):
    """A folder with ``srun`` and ``python`` stubs that echo their argv."""
    for name in ('srun', 'python'):
        stub = tmp_path / name
        stub.write_text('#!/bin/sh\necho "$(basename "$0") $*"\n')
        stub.chmod(stub.stat().st_mode | stat.S_IEXEC)
    return tmp_path


def _run(script, *args, stub_bin, **env):
    env = dict(os.environ, PATH=f'{stub_bin}{os.pathsep}{os.environ["PATH"]}',
               PYTHON=str(stub_bin / 'python'), **env)
    return subprocess.run(['bash', str(TOOLS / script), *args], env=env,
                          capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize('script', SCRIPTS)
def test_executable_and_usage(script, stub_bin):
    assert os.access(TOOLS / script, os.X_OK)
    result = _run(script, stub_bin=stub_bin)
    assert result.returncode == 2 and 'usage:' in result.stderr


def test_dist_train_defaults_and_env(stub_bin):
    out = _run('dist_train.sh', 'cfg.py', '2', '--amp',
               stub_bin=stub_bin).stdout.split()
    assert out[:3] == ['python', '-m', 'torch.distributed.run']
    assert {'--nnodes=1', '--node_rank=0', '--master_addr=127.0.0.1',
            '--nproc_per_node=2', '--master_port=29500'} <= set(out)
    assert out[-4:] == ['cfg.py', '--launcher', 'pytorch', '--amp']
    assert out[-5] == str(TOOLS / 'train.py')

    out = _run('dist_test.sh', 'cfg.py', 'x.pth', '4', stub_bin=stub_bin,
               NNODES='2', NODE_RANK='1', MASTER_ADDR='10.0.0.1',
               PORT='1234').stdout.split()
    assert {'--nnodes=2', '--node_rank=1', '--master_addr=10.0.0.1',
            '--nproc_per_node=4', '--master_port=1234'} <= set(out)
    assert out[-5:] == [str(TOOLS / 'test.py'), 'cfg.py', 'x.pth',
                        '--launcher', 'pytorch']


def test_slurm_scripts_use_srun(stub_bin):
    out = _run('slurm_train.sh', 'part', 'job', 'cfg.py', 'wd', '--amp',
               stub_bin=stub_bin, GPUS='4', GPUS_PER_NODE='2',
               CPUS_PER_TASK='3', SRUN_ARGS='--quotatype=auto -x n1'
               ).stdout.split()
    assert out[:3] == ['srun', '-p', 'part']
    assert {'--job-name=job', '--gres=gpu:2', '--ntasks=4',
            '--ntasks-per-node=2', '--cpus-per-task=3', '--quotatype=auto',
            '--kill-on-bad-exit=1'} <= set(out)
    assert out[-5:] == [str(TOOLS / 'train.py'), 'cfg.py', '--work-dir=wd',
                        '--launcher=slurm', '--amp']

    out = _run('slurm_test.sh', 'part', 'job', 'cfg.py', 'x.pth',
               stub_bin=stub_bin).stdout.split()
    assert {'--gres=gpu:8', '--ntasks=8', '--cpus-per-task=5'} <= set(out)
    assert out[-4:] == [str(TOOLS / 'test.py'), 'cfg.py', 'x.pth',
                        '--launcher=slurm']
