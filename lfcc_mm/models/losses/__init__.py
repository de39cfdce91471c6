from .gather import gather_with_grad
from .lfcc_loss import LFCCLoss
from .ofa_loss import OFALoss

__all__ = ['LFCCLoss', 'OFALoss', 'gather_with_grad']
