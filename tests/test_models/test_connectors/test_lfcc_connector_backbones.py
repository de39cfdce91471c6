"""The connector on real mmpretrain stage outputs, recorded by MMRazor's
recorder on a module path, as configs use it."""
import pytest
import torch
from mmpretrain.registry import MODELS as PRETRAIN_MODELS
from mmrazor.models.task_modules.recorder import ModuleOutputsRecorder

from lfcc_mm.models.connectors import LFCCConnector

# (backbone config, module path, connector kwargs)
CASES = {
    'resnet': (dict(type='ResNet', depth=18, stem_channels=8,
                    base_channels=8), 'layer3',
               dict(in_channels=32, layout='nchw')),
    'convnext': (dict(type='ConvNeXt', arch=dict(depths=[1, 1],
                                                 channels=[8, 16])),
                 'stages.1', dict(in_channels=16, layout='nchw')),
    'vit': (dict(type='VisionTransformer', img_size=32, patch_size=4,
                 arch=dict(embed_dims=16, num_layers=2, num_heads=2,
                           feedforward_channels=32)), 'layers.1',
            dict(in_channels=16, layout='nlc', num_extra_tokens=1)),
    'mixer_tokens': (dict(type='MlpMixer', img_size=32, patch_size=4,
                          arch=dict(embed_dims=16, num_layers=2,
                                    tokens_mlp_dims=8,
                                    channels_mlp_dims=32)), 'layers.0',
                     dict(in_channels=16, layout='nlc')),
    'mixer_backbone_out': (dict(type='MlpMixer', img_size=32, patch_size=4,
                                arch=dict(embed_dims=16, num_layers=2,
                                          tokens_mlp_dims=8,
                                          channels_mlp_dims=32)), '',
                           dict(in_channels=16, layout='ncl')),
    'swin_stage': (dict(type='SwinTransformer', img_size=32,
                        arch=dict(embed_dims=8, depths=[1, 1],
                                  num_heads=[1, 1]), window_size=4,
                        out_indices=(1, )),
                   'stages.0', dict(in_channels=8, layout='nlc')),
}


@pytest.mark.parametrize('name', list(CASES))
@pytest.mark.parametrize('filter', ['avg', 'dct'])
def test_recorded_stage_outputs_map_to_compact_space(name, filter):
    backbone_cfg, path, conn_kwargs = CASES[name]
    backbone = PRETRAIN_MODELS.build(backbone_cfg)
    backbone.eval()  # mmpretrain's train() overrides do not return self
    recorder = ModuleOutputsRecorder(path)
    if path:
        recorder.initialize(backbone)
    conn = LFCCConnector(embed_dim=8, scales=(1, 2, 4), filter=filter,
                         **conn_kwargs)
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        if path:
            with recorder:
                backbone(x)
            feature = recorder.get_record_data()
        else:  # the backbone's own (B, C, N) output
            feature = backbone(x)[-1]
        out = conn(feature)
    assert out.shape == (2, 3, 8)
    torch.testing.assert_close(out.norm(dim=-1), torch.ones(2, 3))
