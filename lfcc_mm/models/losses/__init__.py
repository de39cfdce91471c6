from .batch_mean_dkd_loss import BatchMeanDKDLoss
from .gather import gather_with_grad
from .lfcc_loss import LFCCLoss
from .ofa_loss import OFALoss

__all__ = ['BatchMeanDKDLoss', 'LFCCLoss', 'OFALoss', 'gather_with_grad']
