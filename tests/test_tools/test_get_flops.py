"""``tools/analysis/get_flops.py``: student, teacher and distillation cost."""
import importlib.util
import json
import subprocess
import sys

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

import lfcc_mm  # noqa: F401
from lfcc_bench.analysis.complexity import (build_model, complexity,
                                            count_flops, input_shape_of)
from lfcc_mm.apis.student import load_any_config

from .conftest import TINY_CONFIG, TOOLS, tool_env

TOOL = TOOLS / 'analysis' / 'get_flops.py'


def _tool():
    spec = importlib.util.spec_from_file_location('get_flops', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def tiny():
    """The tiny config, its cost table and the model it was counted on."""
    cfg = load_any_config(str(TINY_CONFIG))
    torch.manual_seed(0)
    return cfg, complexity(cfg), build_model(cfg)


def test_params_are_counted_exactly_per_part(tiny):
    cfg, result, model = tiny
    numel = lambda m: sum(p.numel() for p in m.parameters())  # noqa: E731
    assert result.input_shape == (3, 32, 32)  # the ViT student's img_size
    assert result.student.params == numel(model.architecture) == 23970
    assert result.teacher.params == numel(model.teacher)
    connectors = model.distiller.connectors
    assert [(c.name, c.module_type, c.params) for c in result.extras] == [
        ('connector s2', 'LFCCConnector', numel(connectors['s2'])),
        ('connector t4', 'LFCCConnector', numel(connectors['t4']))]
    # LFCCLoss has no parameters: every extra parameter is a connector's
    assert result.extra_params == numel(model.distiller) == numel(
        model) - numel(model.architecture) - numel(model.teacher)


def test_flops_are_one_image_and_agree_with_torch(tiny):
    cfg, result, model = tiny
    teacher = model.teacher.eval()
    x = torch.rand(1, 3, 32, 32)
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        teacher(x, mode='tensor')
    # torch counts a multiply-add as 2 FLOPs (and skips batch norms)
    assert result.teacher.flops == pytest.approx(
        counter.get_total_flops() / 2, rel=0.03)
    # the teacher's connector reads layer4 of one 32x32 image: 64 x 4 x 4
    t4 = model.distiller.connectors['t4']
    assert result.extras[1].flops == count_flops(
        t4, (torch.rand(1, 64, 4, 4), ))
    assert result.extra_flops == sum(c.flops for c in result.extras) > 0
    assert result.student.flops > 0
    # a CNN's FLOPs grow with the pixels: x4 for twice the side
    bigger = complexity(cfg, [64]).teacher.flops
    assert 3.9 < bigger / result.teacher.flops <= 4.0


def test_input_size_from_command_line_pipeline_or_backbone(tiny):
    cfg = tiny[0]
    assert input_shape_of(cfg, [48, 40]) == (3, 48, 40)
    bench = load_any_config(
        'configs/benchmark/cifar10/kd_vit-s_res18-w16_cifar10.py')
    assert input_shape_of(bench) == (3, 32, 32)  # train RandomCrop
    assert input_shape_of(load_any_config(
        'mmpretrain::resnet/resnet18_8xb32_in1k.py')) == (3, 224, 224)


def test_main_prints_the_table_and_writes_json(tmp_path, capsys):
    out = tmp_path / 'cost.json'
    text = _tool().main([str(TINY_CONFIG), '--out', str(out)])
    printed = capsys.readouterr().out
    assert text in printed and f'Written: {out}' in printed
    rows = [line for line in text.splitlines() if line.startswith('| ')]
    assert rows[0].startswith('| Part | Type | Params | FLOPs (1 image, '
                              '3x32x32)')
    assert rows[1].startswith('| student | ImageClassifier | 24 k (23,970)')
    assert '(33.9 % of the student)' in rows[5]
    data = json.loads(out.read_text())
    assert data['student']['params'] == 23970 and data['model'] is None
    assert data['extra_params'] == sum(e['params'] for e in data['extras'])


def test_plain_config_reports_the_model(tmp_path, capsys):
    plain = tmp_path / 'plain.py'
    plain.write_text(
        f'_base_ = [{str(TINY_CONFIG)!r}]\n'
        "model = dict(_delete_=True, type='ImageClassifier', "
        "_scope_='mmpretrain', backbone=dict(type='ResNet_CIFAR', depth=18, "
        "base_channels=8, stem_channels=8), "
        "neck=dict(type='GlobalAveragePooling'), "
        "head=dict(type='LinearClsHead', num_classes=2, in_channels=64, "
        "loss=dict(type='CrossEntropyLoss')))\n")
    text = _tool().main([str(plain), '--shape', '32'])
    cfg = load_any_config(str(plain))
    params = sum(p.numel() for p in build_model(cfg).parameters())
    rows = [line for line in text.splitlines() if line.startswith('| ')]
    assert len(rows) == 2 and rows[1].startswith(
        f'| model | ImageClassifier | 176 k ({params:,})')


@pytest.mark.parametrize('argv,message', [
    (['--shape', '1', '2', '3'], '--shape 1 2 3: give one side'),
    (['--out', 'cost.txt'], "--out 'cost.txt': the numbers are written as "
     'JSON'),
])
def test_bad_arguments_are_one_line(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        _tool().main([str(TINY_CONFIG)] + argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


@pytest.mark.slow
def test_the_script_runs_from_any_folder(tmp_path):
    result = subprocess.run(
        [sys.executable, str(TOOL), str(TINY_CONFIG)], cwd=tmp_path,
        env=tool_env(), capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-2000:]
    assert '| **distillation adds** | connectors + losses | 8.13 k' in \
        result.stdout
