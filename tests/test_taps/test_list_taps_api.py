"""``lfcc_mm.apis.list_taps``: the Python form of ``tools/analysis/list_taps.py``."""
from lfcc_mm import apis, taps


def test_list_taps_gives_recorder_sources_and_connector_args():
    found = apis.list_taps('resnet18_8xb32_in1k', input_size=64)
    assert apis.list_taps is taps.list_taps
    by_name = {t.name: t for t in found}
    # ResNet-18's last stage: 512 channels at 1/32 of a 64 px image.
    last = by_name['backbone.layer4']
    assert (last.layout, last.channels, last.grid, last.stride) == (
        'nchw', 512, (2, 2), 32)
    assert last.connector_args() == dict(in_channels=512)
    assert by_name['backbone.layer3'].channels == 256
    # Finishing order: every tap before the logits, strides never shrink.
    strides = [t.stride for t in found]
    assert strides == sorted(strides)
