"""Generated configs of pairs that are not in configs/ build and train.

For each pair: probe teacher and student by a dry forward, write the
config with ``tools/misc/make_pair_config.py``'s library call into a temp
folder, load it with mmengine, build it offline (``teacher_ckpt`` cleared,
``pretrained`` off) as the Runner does and run one training step on two
random 224 px images (the copies in ``configs/generated/`` must be what the
tool writes): every distillation loss is finite, the gradients reach
every connector and every student parameter, none the frozen teacher.
"""
import functools
import math
from pathlib import Path

import pytest
from mmengine import Config

from lfcc_mm import taps
from test_configs.config_helpers import build_model, random_batch

REPO = Path(__file__).resolve().parents[2]

# (teacher, student, method, direction): none of these pairs is in configs/.
PAIRS = [
    ('timm:efficientnet_b0', 'timm:vit_tiny_patch16_224', 'lfcc',
     'CNN->ViT'),
    ('timm:vit_tiny_patch16_224', 'mobilenet-v3-small_8xb128_in1k',
     'lfcc-kd', 'ViT->CNN'),
    ('timm:convnext_atto', 'timm:mixer_s16_224', 'ofa', 'CNN->MLP'),
    ('timm:mixer_s16_224', 'timm:deit_tiny_patch16_224', 'lfcc',
     'MLP->ViT'),
    ('swin-tiny_16xb64_in1k', 'timm:regnetx_002', 'lfcc', 'ViT->CNN'),
    ('poolformer-s12_3rdparty_32xb128_in1k', 'deit-tiny_4xb256_in1k', 'ofa',
     'CNN->ViT'),
    ('deit-tiny_4xb256_in1k', 'timm:mixer_s16_224', 'lfcc-kd', 'ViT->MLP'),
    ('timm:resmlp_12_224', 'regnetx-400mf_8xb128_in1k', 'ofa', 'MLP->CNN'),
    ('timm:regnetx_002', 'timm:mobilenetv3_small_100', 'kd', 'CNN->CNN'),
]


@functools.lru_cache(maxsize=None)
def _probe(spec: str, role: str) -> taps.ModelProbe:
    """One dry forward per model and role for the whole session."""
    return taps.probe_model(spec, role)


@pytest.mark.parametrize('teacher,student,method,direction', PAIRS,
                         ids=[f'{p[2]}:{p[0]}->{p[1]}' for p in PAIRS])
def test_generated_config_builds_and_trains_one_step(teacher, student,
                                                     method, direction,
                                                     tmp_path):
    t_probe, s_probe = _probe(teacher, 'teacher'), _probe(student, 'student')
    path = taps.write_pair_config(t_probe, s_probe, method, str(tmp_path))
    # configs/generated/ holds exactly what the tool writes today.
    shipped = REPO / 'configs' / 'generated' / Path(path).name
    assert shipped.read_text() == taps.pair_config_text(
        t_probe, s_probe, method, str(shipped.parent)), (
            f'{shipped} is stale: rerun the command in its docstring with '
            '--force')
    cfg = Config.fromfile(path)
    model = build_model(cfg)
    data = model.data_preprocessor(random_batch(cfg), training=True)
    losses = model(**data, mode='loss')

    expected = {f'distill.{n}' for n in cfg.model.distiller.distill_losses}
    assert expected <= set(losses)
    for name, value in losses.items():
        assert math.isfinite(value.item()), f'{name} = {value}'
    sum(losses.values()).backward()
    student_params = model.architecture.named_parameters()
    assert [n for n, p in student_params if p.grad is None] == []
    assert all(p.grad is None and not p.requires_grad
               for p in model.teacher.parameters())
    connectors = list(model.distiller.connectors.parameters())
    assert (method == 'kd') == (connectors == [])
    assert all(p.grad is not None and p.grad.abs().sum() > 0
               for p in connectors)
    # The recipe follows the student's family, as in the shipped configs.
    optimizer = cfg.optim_wrapper.optimizer.type
    assert optimizer == ('SGD' if s_probe.family == 'cnn' else 'AdamW')
