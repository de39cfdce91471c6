"""OFABranch: every stage of ResNet / MobileNetV2 / ViT / Mixer -> logits."""
import lfcc_mm  # noqa: F401  (must precede mmrazor)
import pytest
import torch
from mmpretrain.models.backbones.vision_transformer import \
    TransformerEncoderLayer
from mmpretrain.models.utils import PatchMerging
from mmrazor.registry import MODELS

from lfcc_mm.models.connectors import LayoutError, OFABranch

B, NUM_CLASSES, IMG = 2, 5, 32


@pytest.fixture(autouse=True)
def _one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.mark.parametrize(
    'student', ['resnet_cifar', 'resnet', 'mobilenet_v2', 'vit', 'mixer'])
def test_every_stage_maps_to_logits(student, tiny_students, record_outputs):
    """Each stage's branch (built from the registry) gives (B, classes)."""
    spec = tiny_students[student]
    backbone = MODELS.build(spec['backbone'])
    backbone.eval()  # mmpretrain's ResNet.train() returns None
    torch.manual_seed(0)
    x = torch.randn(B, 3, IMG, IMG)
    feats = record_outputs(backbone, spec['stages'], x)
    last_hw = None
    for k, (path, channels) in enumerate(
            zip(spec['stages'], spec['channels']), start=1):
        branch = MODELS.build(
            dict(type='OFABranch', in_channels=channels,
                 num_classes=NUM_CLASSES, out_channels=48, stage=k,
                 num_stages=4, **spec['branch']))
        branch.init_weights()
        logits = branch(feats[path])
        assert logits.shape == (B, NUM_CLASSES), (student, path)
        assert torch.isfinite(logits).all()
        if spec['branch']['layout'] == 'nchw':
            assert branch.branch == 'cnn'
            assert branch.num_downsamples == 4 - k
            # The downsampling brings the map to the last stage's scale.
            body_out = branch.body(feats[path])
            assert body_out.shape[1] == 48
            last_hw = last_hw or tuple(feats[spec['stages'][-1]].shape[2:])
            assert tuple(body_out.shape[2:]) == last_hw, (student, path)
        else:
            assert branch.branch == 'token'
            assert branch.num_downsamples == 1  # 8x8 grid -> 4x4
            assert branch.num_blocks == max(4 - k, 1)


def test_cnn_branch_layers():
    """Depth-wise separable, stride-2 blocks; channels double, then out."""
    branch = OFABranch(in_channels=8, num_classes=NUM_CLASSES,
                       out_channels=40, stage=1, num_stages=4)
    convs = [m for m in branch.body.modules()
             if isinstance(m, torch.nn.Conv2d)]
    depthwise = [c for c in convs if c.groups == c.in_channels > 1]
    assert len(depthwise) == 6  # two per downsampling block
    assert [c.stride for c in depthwise[::2]] == [(2, 2)] * 3
    pointwise_out = [c.out_channels for c in convs if c.kernel_size == (1, 1)]
    assert pointwise_out == [8, 16, 16, 32, 32, 40]
    assert branch(torch.randn(B, 8, 16, 16)).shape == (B, NUM_CLASSES)

    last = OFABranch(in_channels=64, num_classes=NUM_CLASSES,
                     out_channels=96, stage=4)
    assert last.num_downsamples == 0
    assert last(torch.randn(B, 64, 3, 3)).shape == (B, NUM_CLASSES)


def test_token_branch_layers_and_extra_tokens():
    """Merging shrinks the grid 14 -> 7; cls tokens are dropped."""
    branch = OFABranch(in_channels=24, num_classes=NUM_CLASSES,
                       out_channels=32, layout='nlc', num_extra_tokens=1,
                       hw=(14, 14), stage=2, num_stages=4)
    assert branch.num_downsamples == 1
    assert [type(m) for m in branch.mergers] == [PatchMerging]
    assert len(branch.blocks) == 2
    assert all(isinstance(b, TransformerEncoderLayer) for b in branch.blocks)
    seen = {}
    branch.blocks.register_forward_hook(
        lambda m, i, o: seen.__setitem__('tokens', o.shape))
    tokens = torch.randn(B, 1 + 14 * 14, 24)
    assert branch(tokens).shape == (B, NUM_CLASSES)
    assert seen['tokens'] == (B, 7 * 7, 32)
    # The cls token does not reach the logits.
    changed = tokens.clone()
    changed[:, 0] += 100.0
    torch.testing.assert_close(branch(changed), branch(tokens))


def test_token_branch_can_keep_the_cls_token_as_ofa_kd():
    """keep_extra_tokens: the cls token skips merging, runs through the
    layers in front of the merged grid and is what the classifier reads."""
    branch = OFABranch(in_channels=32, num_classes=NUM_CLASSES,
                       out_channels=32, layout='nlc', num_extra_tokens=1,
                       hw=(14, 14), stage=3, num_stages=4,
                       keep_extra_tokens=True).eval()
    assert isinstance(branch.token_proj, torch.nn.Identity)
    assert branch.fc.in_features == 32
    seen = {}
    branch.blocks.register_forward_hook(
        lambda m, i, o: seen.__setitem__('tokens', o))
    tokens = torch.randn(B, 1 + 14 * 14, 32)
    logits = branch(tokens)
    assert seen['tokens'].shape == (B, 1 + 7 * 7, 32)
    # by hand: the classifier reads the (normalised) first output token
    torch.testing.assert_close(
        logits, branch.fc(branch.norm(seen['tokens'][:, 0])))
    # the cls token now reaches the logits
    changed = tokens.clone()
    changed[:, 0] = torch.randn(B, 32)  # (a constant shift: LayerNorm'd)
    assert not torch.allclose(branch(changed), logits)


def test_kept_tokens_of_another_width_and_layout():
    """Two extra tokens, (B, C, N) tokens, width 24 -> 32: projected and
    concatenated for the classifier."""
    branch = OFABranch(in_channels=24, num_classes=NUM_CLASSES,
                       out_channels=32, layout='ncl', num_extra_tokens=2,
                       num_downsamples=1, num_blocks=1,
                       keep_extra_tokens=True)
    assert isinstance(branch.token_proj, torch.nn.Linear)
    assert branch.fc.in_features == 2 * 32
    out = branch(torch.randn(B, 24, 2 + 8 * 8))
    assert out.shape == (B, NUM_CLASSES)
    out.sum().backward()
    assert branch.token_proj.weight.grad.abs().sum() > 0


@pytest.mark.parametrize('kwargs', [
    dict(layout='nlc', num_extra_tokens=0, hw=(8, 8), stage=1),
    dict(stage=1),  # an nchw map has no extra tokens
    dict(layout='nlc', num_extra_tokens=1, branch='cnn', num_downsamples=1),
])
def test_keep_extra_tokens_needs_a_token_branch_with_extra_tokens(kwargs):
    with pytest.raises(ValueError, match='keep_extra_tokens=True needs a '
                       'token branch'):
        OFABranch(in_channels=8, num_classes=NUM_CLASSES, out_channels=32,
                  keep_extra_tokens=True, **kwargs)


def test_token_branch_without_merging_projects_width():
    branch = OFABranch(in_channels=24, num_classes=NUM_CLASSES,
                       out_channels=32, layout='ncl', num_downsamples=0,
                       num_blocks=1)
    assert isinstance(branch.mergers[0], torch.nn.Linear)
    assert branch(torch.randn(B, 24, 16)).shape == (B, NUM_CLASSES)


def test_branch_type_can_be_chosen_explicitly():
    """A token branch on a CNN map, and a CNN branch on ViT tokens."""
    token_on_map = OFABranch(in_channels=16, num_classes=NUM_CLASSES,
                             out_channels=32, branch='token',
                             num_downsamples=2, num_blocks=1)
    assert token_on_map.branch == 'token'
    assert token_on_map(torch.randn(B, 16, 8, 8)).shape == (B, NUM_CLASSES)
    cnn_on_tokens = OFABranch(in_channels=16, num_classes=NUM_CLASSES,
                              out_channels=32, layout='nlc',
                              num_extra_tokens=1, branch='cnn',
                              num_downsamples=2)
    assert cnn_on_tokens.branch == 'cnn'
    out = cnn_on_tokens(torch.randn(B, 1 + 64, 16))
    assert out.shape == (B, NUM_CLASSES)


@pytest.mark.parametrize('kwargs, match', [
    (dict(), "needs `stage`"),
    (dict(stage=5), r'stage must be an int in \[1, num_stages=4\]'),
    (dict(stage=0), r'stage must be an int in \[1, num_stages=4\]'),
    (dict(stage=1, branch='mlp'), 'branch must be one of'),
    (dict(stage=1, layout='bhwc'), 'layout must be one of'),
    (dict(stage=1, num_classes=0), 'num_classes must be a positive int'),
    (dict(num_downsamples=-1), 'num_downsamples must be an int >= 0'),
    (dict(layout='nlc', stage=1), 'needs `hw`'),
    (dict(layout='nlc', hw=(8, 8)), "needs `stage`"),
    (dict(layout='nlc', hw=(8, 8), stage=1, num_heads=5),
     'must be divisible by num_heads=5'),
])
def test_rejects_bad_arguments(kwargs, match):
    args = dict(in_channels=8, num_classes=NUM_CLASSES, out_channels=32)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        OFABranch(**args)


def test_wrong_feature_gives_actionable_error():
    branch = OFABranch(in_channels=8, num_classes=NUM_CLASSES,
                       out_channels=16, stage=3)
    with pytest.raises(LayoutError, match='expected 8 channels'):
        branch(torch.randn(B, 12, 8, 8))
    with pytest.raises(LayoutError, match="layout='nchw' expects"):
        branch(torch.randn(B, 64, 8))
