"""Layout inference and stage / block matching on tiny synthetic modules."""
import pytest
import torch
from torch import nn

from lfcc_mm import taps
from lfcc_mm.models.connectors.layouts import to_checked_map
from lfcc_mm.utils.user_errors import UserError


@pytest.mark.parametrize('output,layout,channels,grid,stride,extra', [
    (torch.zeros(1, 64, 8, 8), 'nchw', 64, (8, 8), 4, 0),
    (torch.zeros(1, 8, 8, 96), 'nhwc', 96, (8, 8), 4, 0),
    (torch.zeros(1, 17, 48), 'nlc', 48, (4, 4), 8, 1),
    (torch.zeros(1, 18, 48), 'nlc', 48, (4, 4), 8, 2),
    (torch.zeros(1, 40, 16), 'ncl', 40, (4, 4), 8, 0),
    ((torch.zeros(1, 4, 32), (2, 2)), 'nlc', 32, (2, 2), 16, 0),
])
def test_infer_tap_reads_layout_channels_grid_and_extra_tokens(
        output, layout, channels, grid, stride, extra):
    tap = taps.infer_tap('m', 'M', output, input_size=32)
    assert (tap.layout, tap.channels, tap.grid, tap.stride,
            tap.num_extra_tokens) == (layout, channels, grid, stride, extra)
    # What the connector is told reads the real output as (B, C, H, W).
    args = tap.connector_args()
    feature = to_checked_map(output, args.get('layout', 'nchw'),
                             args['in_channels'],
                             args.get('num_extra_tokens', 0))
    assert tuple(feature.shape) == (1, channels) + grid


@pytest.mark.parametrize('output', [
    torch.zeros(1, 10),  # logits
    torch.zeros(1, 64, 1, 1),  # pooled
    torch.zeros(1, 64, 5, 5),  # 32 / 5: no power-of-two stride
    torch.zeros(1, 3, 10),  # 3 or 10 tokens: no grid of a 32 px input
    (torch.zeros(1, 4, 8), torch.zeros(1, 4, 8)),  # not a (tokens, hw)
])
def test_non_spatial_outputs_are_no_taps(output):
    assert taps.infer_tap('m', 'M', output, input_size=32) is None


class TinyCNN(nn.Module):
    """Stem, then stages at 1/4, 1/8 (a strided block), 1/16; a head."""

    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential()
        self.backbone.add_module('stem', nn.Conv2d(3, 8, 3, 4, 1))
        self.backbone.add_module('layer1', nn.Sequential(
            nn.Conv2d(8, 8, 3, 1, 1), nn.ReLU()))
        self.backbone.add_module('layer2', Strided(8, 16))
        self.backbone.add_module('layer3', Strided(16, 32))
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                  nn.Linear(32, 10))

    def forward(self, x, mode='tensor'):
        return self.head(self.backbone(x))


class Strided(nn.Module):
    """A downsampling block whose first conv runs at the input stride (as
    an inverted residual's expansion): not a stage output."""

    def __init__(self, cin, cout):
        super().__init__()
        self.expand = nn.Conv2d(cin, cin * 2, 1)
        self.down = nn.Conv2d(cin * 2, cout, 3, 2, 1)

    def forward(self, x):
        return self.down(self.expand(x))


class TinyViT(nn.Module):
    """Patch embedding, cls token, 6 blocks of (B, N, C) tokens, a norm."""

    def __init__(self, depth=6):
        super().__init__()
        self.backbone = nn.Module()
        self.backbone.patch = nn.Conv2d(3, 16, 8, 8)
        self.backbone.layers = nn.ModuleList(
            nn.Linear(16, 16) for _ in range(depth))
        self.backbone.norm = nn.LayerNorm(16)
        self.cls = nn.Parameter(torch.zeros(1, 1, 16))
        self.fc = nn.Linear(16, 10)

    def forward(self, x, mode='tensor'):
        x = self.backbone.patch(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(len(x), -1, -1), x], 1)
        for layer in self.backbone.layers:
            x = layer(x)
        return self.fc(self.backbone.norm(x)[:, 0])


def _probe(model, input_size=32):
    records = taps.record_outputs(model, input_size)
    found = taps.feature_taps(records, 'backbone.', input_size)
    return records, found


def test_stages_are_the_last_module_of_each_stride_outside_strided_blocks():
    _, found = _probe(TinyCNN())
    stages = taps.stages_of(found)
    # layer2.expand runs at 1/4 after layer1 but sits inside a block that
    # outputs 1/8: layer1 stays the 1/4 stage.
    assert [(t.name, t.stride, t.channels) for t in stages] == [
        ('backbone.layer1', 4, 8), ('backbone.layer2', 8, 16),
        ('backbone.layer3', 16, 32)]


def test_isotropic_blocks_and_depth_fraction_taps():
    records, found = _probe(TinyViT(depth=6))
    assert {t.stride for t in found} == {8}
    assert len(taps.stages_of(found)) == 1
    blocks = taps.blocks_of(found)
    assert [t.name for t in blocks] == [
        f'backbone.layers.{i}' for i in range(6)]
    assert blocks[0].num_extra_tokens == 1 and blocks[0].layout == 'nlc'
    probe = taps.ModelProbe(
        spec='vit', short='vit', model_cfg={}, input_size=32, taps=found,
        stages=taps.stages_of(found), blocks=blocks, logits='fc',
        head_in_channels=16, loss_module='head.loss_module',
        data_preprocessor={})
    # ceil(2 * 6 / 3) = 4 and 6 (1-based); OFA ends of 6 blocks: 1, 2, 5, 6.
    assert [t.name for t in taps.lfcc_side_taps(probe)] == [
        'backbone.layers.3', 'backbone.layers.5']
    assert [t.name[-1] for t in taps.ofa_student_taps(probe)] == [
        '0', '1', '4', '5']
    assert probe.family == 'token'


def _hier(strides, name='m'):
    stages = [taps.Tap(f'{name}.s{s}', 'M', (1, 8, 64 // s, 64 // s), 'nchw',
                       8, (64 // s, 64 // s), s) for s in strides]
    return taps.ModelProbe(
        spec=name, short=name, model_cfg={}, input_size=64, taps=stages,
        stages=stages, blocks=[], logits='fc', head_in_channels=8,
        loss_module='head.loss_module', data_preprocessor={})


def test_hierarchical_pairs_match_the_two_deepest_common_strides():
    pairs = taps.pair_taps(_hier((4, 8, 16, 32), 't'), _hier((4, 8, 16),
                                                              's'))
    assert {k: (s.name, t.name) for k, (s, t) in pairs.items()} == {
        'mid': ('s.s8', 't.s8'), 'last': ('s.s16', 't.s16')}


def test_no_common_strides_is_one_clear_error():
    with pytest.raises(UserError, match='no two stages match by stride'):
        taps.pair_taps(_hier((4, 8), 't'), _hier((16, 32), 's'))


def test_ofa_needs_four_stages():
    with pytest.raises(UserError, match='OFA-KD needs four stages'):
        taps.ofa_student_taps(_hier((8, 16, 32)))


def test_unknown_model_name_is_one_clear_error():
    with pytest.raises(UserError, match='neither an mmpretrain model name'):
        taps.resolve_spec('no-such-model_1xb1_in1k', 'teacher')
