"""scikit-learn's handwritten digits as 32x32 RGB images (the quickstart's).

The loaders, sampler and metric of the CIFAR-10 grid's
``cifar10.py`` (batch 64, ``drop_last`` for training, top-1 accuracy) with
the digits in place of CIFAR-10. ``DigitsDataset`` (``lfcc_mm``): the 1,797
digits that ship with scikit-learn (nothing to download), upsampled from 8x8
to 32x32 and repeated over RGB, split 80/20 per class with a fixed seed
(1,437 training, 360 test images). The images are in memory: no loader
workers, no channel flip. Normalisation: the statistics of the upsampled
digits. Training augmentation: random 32x32 crop of the 2-pixel padded image
(no flips: digits are not mirror-symmetric); testing uses the images as they
are.

``data_root=''`` is ``BaseDataset``'s own default, written out because the
benchmark driver reads every dataset's ``data_root``.
:func:`lfcc_bench.run_config.set_train_per_class` keeps the first N
training images of each class as explicit ``indices``.
"""
_base_ = ['../../../cifar10/_base_/datasets/cifar10.py']

dataset_type = 'DigitsDataset'

data_preprocessor = dict(mean=[77.8, 77.8, 77.8], std=[82.5, 82.5, 82.5])

train_pipeline = [
    dict(type='RandomCrop', crop_size=32, padding=2),
    dict(type='PackInputs'),
]

_digits = dict(type=dataset_type, data_root='', size=32, split_seed=0)
train_dataloader = dict(
    num_workers=0, dataset=dict(_digits, pipeline=train_pipeline))
val_dataloader = dict(num_workers=0, dataset=_digits)
test_dataloader = val_dataloader
