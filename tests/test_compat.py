"""Each compat shim is applied where needed and is a no-op otherwise."""
import copy
import math
import subprocess
import sys
import textwrap

import pytest
import torch
from torch import nn

import lfcc_mm  # noqa: F401 - applies the shims, as configs do
from lfcc_mm import compat


def test_apply_is_idempotent():
    first = compat.apply()
    assert set(first) == {'fuser_method_mappings', 'quantization_mapping',
                          'weights_only_load', 'weights_only_loaders',
                          'cuda_set_device', 'lazy_predictor',
                          'lazy_scipy_norm', 'format_config_text_once'}
    assert compat.apply() == first


def test_config_text_is_formatted_once_and_as_yapf_formats_it(monkeypatch):
    """Shim 8: a Runner's repeated ``pretty_text`` (log, dump, every
    checkpoint's ``meta['cfg']``) runs yapf once per distinct text, and the
    text is yapf's own."""
    import mmengine.config.config as config_module
    from mmengine.config import Config
    from yapf.yapflib.yapf_api import FormatCode

    calls = []

    def counted(text, **kwargs):
        calls.append(text)
        return FormatCode(text, **kwargs)

    monkeypatch.setattr(config_module, 'FormatCode', counted)
    assert compat._shim_format_config_text_once()
    assert not compat._shim_format_config_text_once()  # already memoized
    cfg = Config(dict(model=dict(type='ToyModel', depth=18,
                                 widths=[16, 32]), lr=0.1))
    texts = [cfg.pretty_text for _ in range(3)]
    assert len(calls) == 1 and len(set(texts)) == 1
    assert texts[0] == FormatCode(calls[0], style_config=dict(
        based_on_style='pep8', blank_line_before_nested_class_or_def=True,
        split_before_expression_after_opening_paren=True))[0]
    cfg.lr = 0.2  # another config: formatted anew
    assert 'lr = 0.2' in cfg.pretty_text and len(calls) == 2
    # a call that is not mmengine's (other arguments) is passed through
    once = config_module.FormatCode
    assert once('x=1\n', style_config='pep8') == ('x = 1\n', True)
    assert len(calls) == 3


def test_fuser_helpers_restored_once():
    from torch.ao.quantization import fuser_method_mappings as fmm
    assert fmm.reverse2 is getattr(fmm, '_reverse2', fmm.reverse2)
    conv, relu = nn.Conv2d(1, 1, 1), nn.ReLU()
    fused = fmm.reverse_sequential_wrapper2(nn.Sequential)(False, conv, relu)
    assert list(fused) == [relu, conv]  # the reversed order, as in torch 1.13
    assert compat._shim_fuser_method_mappings() is False  # already there


def test_mmrazor_imports_with_the_quantization_stand_in():
    import mmrazor.models  # noqa: F401 - would fail on torch >= 2 without it
    mapping = sys.modules[compat._MAPPING_MODULE]
    if compat.apply()['quantization_mapping']:
        assert set(mapping.BackendConfigs.values()) == {None}
    # mmrazor's module is imported now: the shim must not replace it.
    assert compat._shim_quantization_mapping() is False
    assert sys.modules[compat._MAPPING_MODULE] is mapping


def test_quantization_shim_needed_only_without_the_torch_api(monkeypatch):
    from torch.ao.quantization.backend_config import BackendPatternConfig
    monkeypatch.delitem(sys.modules, compat._MAPPING_MODULE)
    had_api = hasattr(BackendPatternConfig,
                      '_set_overwrite_output_fake_quantize')
    assert compat._shim_quantization_mapping() is (not had_api)
    monkeypatch.delitem(sys.modules, compat._MAPPING_MODULE, raising=False)
    monkeypatch.setattr(BackendPatternConfig,
                        '_set_overwrite_output_fake_quantize',
                        lambda *args: None, raising=False)
    assert compat._shim_quantization_mapping() is False
    assert compat._MAPPING_MODULE not in sys.modules


@pytest.mark.skipif(torch.cuda.is_available(), reason='CPU-only behaviour')
def test_cuda_set_device_is_a_no_op_without_cuda():
    torch.cuda.set_device(0)  # mmengine's init_dist calls this on CPU too
    assert torch.cuda.set_device._lfcc_noop
    assert compat._shim_cuda_set_device() is False  # already replaced


def test_cuda_set_device_kept_with_cuda(monkeypatch):
    original = torch.cuda.set_device
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    assert compat._shim_cuda_set_device() is False
    assert torch.cuda.set_device is original


def _dist_cfg():
    from mmengine.config import Config
    return Config(dict(
        env_cfg=dict(dist_cfg=dict(backend='nccl')),
        model_wrapper_cfg=dict(type='MMDistributedDataParallel',
                               find_unused_parameters=True)))


def test_adapt_cfg_leaves_cuda_configs_alone(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    cfg = _dist_cfg()
    before = copy.deepcopy(cfg.to_dict())
    assert compat.adapt_cfg_for_device(cfg) is cfg
    assert cfg.to_dict() == before


def test_adapt_cfg_switches_to_gloo_without_cuda(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    cfg = compat.adapt_cfg_for_device(_dist_cfg())
    assert cfg.env_cfg.dist_cfg.backend == 'gloo'
    assert cfg.model_wrapper_cfg.device_ids is None
    assert cfg.model_wrapper_cfg.find_unused_parameters is True  # kept
    from mmengine.config import Config
    partial = compat.adapt_cfg_for_device(
        Config(dict(env_cfg=dict(cudnn_benchmark=True))))
    assert partial.env_cfg.dist_cfg.backend == 'gloo'
    assert partial.env_cfg.cudnn_benchmark is True
    bare = compat.adapt_cfg_for_device(Config(dict()))
    assert bare.env_cfg.dist_cfg.backend == 'gloo'
    assert bare.model_wrapper_cfg.type == 'MMDistributedDataParallel'
    assert bare.model_wrapper_cfg.device_ids is None


class _ToyModel:
    """Built lazily so that mmengine is imported after lfcc_mm."""

    @staticmethod
    def build():
        from mmengine.model import BaseModel

        class ToyModel(BaseModel):

            def __init__(self):
                super().__init__()
                self.linear = nn.Linear(2, 1)

            def forward(self, inputs, data_samples=None, mode='tensor'):
                out = self.linear(inputs)
                return dict(loss=out.pow(2).mean()) if mode == 'loss' else out

        return ToyModel()


@pytest.fixture(scope='module')
def runner_checkpoint(tmp_path_factory):
    """``iter_2.pth`` of a real 2-iteration mmengine Runner."""
    from mmengine.runner import Runner
    from torch.utils.data import DataLoader
    work_dir = tmp_path_factory.mktemp('compat_runner')
    data = [dict(inputs=torch.randn(2)) for _ in range(4)]
    runner = Runner(
        model=_ToyModel.build(),
        work_dir=str(work_dir),
        experiment_name=f'compat_{work_dir.name}',
        train_dataloader=DataLoader(data, batch_size=2),
        train_cfg=dict(by_epoch=False, max_iters=2),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9)),
        default_hooks=dict(checkpoint=dict(type='CheckpointHook', interval=2,
                                           by_epoch=False)),
        default_scope='mmengine')
    runner.train()
    return work_dir / 'iter_2.pth'


def test_runner_checkpoint_loads_weights_only(runner_checkpoint):
    from mmengine.logging import HistoryBuffer
    ckpt = torch.load(runner_checkpoint)  # weights_only by default
    loss_buffer = ckpt['message_hub']['log_scalars']['train/loss']
    assert isinstance(loss_buffer, HistoryBuffer)
    assert len(loss_buffer.data[0]) == 2
    assert ckpt['meta']['iter'] == 2
    assert set(ckpt['state_dict']) == {'linear.weight', 'linear.bias'}


def test_runner_checkpoint_needs_the_shim(runner_checkpoint):
    code = textwrap.dedent(f"""
        import torch
        torch.load({str(runner_checkpoint)!r})
    """)
    result = subprocess.run([sys.executable, '-c', code], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0
    assert 'Weights only load failed' in result.stderr


def test_mmrazor_models_import_without_scikit_learn_until_nas_needs_it():
    """Shim 6, in a fresh process: ``import lfcc_mm`` (and mmrazor's models)
    leaves scikit-learn and pandas out; mmrazor's ``MetricPredictor`` is the
    real class once asked for, by import or by a TASK_UTILS build. Shim 7:
    ``scipy.stats`` is not loaded either, and an OFD distiller's margins
    (``norm.cdf`` through the stand-in) are the real ones."""
    code = textwrap.dedent("""
        import sys
        import lfcc_mm
        import mmrazor.models
        heavy = [m for m in ('sklearn', 'pandas') if m in sys.modules]
        stats_before = 'scipy.stats' in sys.modules  # shim 7
        from mmrazor.registry import TASK_UTILS
        from lfcc_mm import compat
        stand_in = TASK_UTILS.get('MetricPredictor')
        from mmrazor.models.task_modules.predictor import MetricPredictor
        import mmrazor.models.task_modules as tm
        # shim 7: an OFD distiller's margins use the real scipy norm
        import torch
        from mmrazor.models.distillers import ofd_distiller
        bn = torch.nn.BatchNorm2d(3)
        with torch.no_grad():
            bn.weight.copy_(torch.tensor([1.0, 2.0, 0.5]))
            bn.bias.copy_(torch.tensor([0.0, -1.0, 3.0]))
        margin = ofd_distiller.OFDDistiller._get_margin_from_BN(None, bn)
        import scipy.stats
        real = scipy.stats.norm
        print(stats_before, type(real).__module__.startswith('scipy.stats'),
              [round(float(v), 5) for v in margin.flatten()])
        print(heavy, stand_in is compat._build_metric_predictor,
              MetricPredictor.__module__, 'sklearn' in sys.modules,
              TASK_UTILS.get('MetricPredictor') is MetricPredictor,
              tm.predictor.MetricPredictor is MetricPredictor,
              compat.load_mmrazor_predictor().MetricPredictor is MetricPredictor)
    """)
    result = subprocess.run([sys.executable, '-c', code], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    shim7, shim6 = result.stdout.splitlines()
    # OFD's margin E[x | x < 0] - shaped: -s*phi(m/s)/Phi(-m/s) + m, or -3s
    # where Phi(-m/s) <= 0.001 (channel 3: m/s = 6)
    phi = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa
    Phi = lambda z: 0.5 * (1 + math.erf(z / math.sqrt(2)))  # noqa
    expected = [round(-s * phi(m / s) / Phi(-m / s) + m, 5)
                for s, m in ((1.0, 0.0), (2.0, -1.0))] + [-1.5]
    assert shim7 == f'False True {expected}'
    assert shim6.split() == [
        '[]', 'True',
        'mmrazor.models.task_modules.predictor.metric_predictor', 'True',
        'True', 'True', 'True']


def test_a_nas_config_builds_the_real_metric_predictor():
    """A TASK_UTILS build through the stand-in entry gives mmrazor's class
    (as ``spos_shufflenet_search_predictor`` configs build it)."""
    from mmrazor.registry import TASK_UTILS
    predictor = TASK_UTILS.build(dict(
        type='MetricPredictor', handler_cfg=dict(type='CartsHandler'),
        search_groups=dict()))
    real = compat.load_mmrazor_predictor().MetricPredictor
    assert type(predictor) is real
    assert TASK_UTILS.get('MetricPredictor') is real
