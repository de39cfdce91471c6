"""LFCC + KD: ConvNeXt-T -> DeiT-T, 8 x 128 (OFA-KD README).

``lfcc-kd_convnext-t_deit-t_1xb128_cifar100-224.py`` run as OFA-KD's README
trains CIFAR-100: 8 processes x 128 images (global batch 1,024) with the lr
unchanged (not rescaled for the 8x larger batch): ``bash tools/dist_train.sh
configs/lfcc/cifar100_ofa/lfcc-kd_convnext-t_deit-t_8xb128_cifar100-224.py 8``.
The author's single-process command (OFA-KD issue #8) is the ``1xb128`` config:
global batch 128, 8x more steps per epoch. LFCC contrasts 1,023 negatives per
sample here, 127 there. Only ``auto_scale_lr`` differs from the ``1xb128``
config (its base batch is this setting's 1,024, so ``--auto-scale-lr`` keeps
the lr).
"""
_base_ = ['./lfcc-kd_convnext-t_deit-t_1xb128_cifar100-224.py']

auto_scale_lr = dict(base_batch_size=1024)
