"""CIFAR-10 as class folders of 32x32 images (the benchmark's default data).

``data_root/<class>/<image>`` folders read by ``FolderSubsetDataset``
(``lfcc_mm``): classes are the sub-folder names in sorted order, and
``max_per_class`` keeps the first N images of every class (``None``: all).
The default roots are what ``tools/benchmark/split_folder.py`` makes of the
CIFAR-10 JPEGs (4,500 train + 500 val images per class, see its docstring);
point them elsewhere with ``--cfg-options
train_dataloader.dataset.data_root=DIR val_dataloader.dataset.data_root=DIR``
(and ``test_dataloader.dataset.data_root`` for ``tools/test.py``), or
through :func:`lfcc_bench.run_config.load_bench_config`.

Images are read by OpenCV (BGR), so the preprocessor flips them to RGB
before normalising with the CIFAR-10 statistics. Training augmentation is
the standard CIFAR one: random 32x32 crop of the 4-pixel padded image and a
horizontal flip; testing uses the images as they are.
"""
dataset_type = 'FolderSubsetDataset'

data_preprocessor = dict(
    type='mmpretrain.ClsDataPreprocessor',
    num_classes=10,
    mean=[125.307, 122.961, 113.8575],
    std=[51.5865, 50.847, 51.255],
    to_rgb=True)

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomCrop', crop_size=32, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='PackInputs'),
]

# No persistent workers: tearing them down when a Runner is freed stalled
# every benchmark run by ~5 s per worker. drop_last: every step sees a full
# batch (LFCC's and CRD's contrastive losses use the batch as negatives).
train_dataloader = dict(
    batch_size=64,
    num_workers=2,
    persistent_workers=False,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root='data/cifar10-jpeg/train',
        max_per_class=None,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=64,
    num_workers=2,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root='data/cifar10-jpeg/val',
        max_per_class=None,
        test_mode=True,
        pipeline=test_pipeline))
val_evaluator = dict(type='Accuracy', topk=(1, ))

test_dataloader = val_dataloader
test_evaluator = val_evaluator
