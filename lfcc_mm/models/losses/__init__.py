from .gather import gather_with_grad
from .lfcc_loss import LFCCLoss

__all__ = ['LFCCLoss', 'gather_with_grad']
