"""scikit-learn's handwritten digits as 32x32 RGB images (the quickstart's).

``DigitsDataset`` (``lfcc_mm``): the 1,797 digits that ship with
scikit-learn (nothing to download), upsampled from 8x8 to 32x32 and repeated
over RGB, split 80/20 per class with a fixed seed (1,437 training, 360
test images). The images are in memory: pipelines start after loading, and
there is no channel flip. Normalisation: the statistics of the upsampled
digits. Training augmentation: random 32x32 crop of the 2-pixel padded image
(no flips: digits are not mirror-symmetric); testing uses the images as they
are.

``data_root=''`` is ``BaseDataset``'s own default, written out because the
benchmark driver reads every dataset's ``data_root``.
:func:`lfcc_mm.bench.run_config.set_train_per_class` keeps the first N
training images of each class as explicit ``indices``.
"""
dataset_type = 'DigitsDataset'

data_preprocessor = dict(
    type='mmpretrain.ClsDataPreprocessor',
    num_classes=10,
    mean=[77.8, 77.8, 77.8],
    std=[82.5, 82.5, 82.5],
    to_rgb=False)

train_pipeline = [
    dict(type='RandomCrop', crop_size=32, padding=2),
    dict(type='PackInputs'),
]
test_pipeline = [dict(type='PackInputs')]

# In-memory images: no loader workers. drop_last: every step sees a full
# batch (LFCC's contrastive loss uses the batch as negatives).
train_dataloader = dict(
    batch_size=64,
    num_workers=0,
    persistent_workers=False,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root='',
        split='train',
        size=32,
        split_seed=0,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=64,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root='',
        split='test',
        size=32,
        split_seed=0,
        pipeline=test_pipeline))
val_evaluator = dict(type='Accuracy', topk=(1, ))

test_dataloader = val_dataloader
test_evaluator = val_evaluator
