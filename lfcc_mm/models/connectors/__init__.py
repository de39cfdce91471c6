from .layout_adapter import LayoutAdapter
from .layout_connector import LayoutConnector
from .layouts import LayoutError, to_nchw
from .lfcc_connector import LFCCConnector
from .low_pass import avg_low_pass, dct_low_pass, low_pass
from .ofa_branch import OFABranch

__all__ = [
    'LFCCConnector', 'OFABranch', 'LayoutError', 'to_nchw', 'low_pass',
    'avg_low_pass', 'dct_low_pass', 'LayoutAdapter', 'LayoutConnector'
]
