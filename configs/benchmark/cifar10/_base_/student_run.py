"""Everything a student run shares, whatever its pair and method.

CIFAR-10 class folders with the first 500 training images of each class
(5,000 images), the 4-epoch AdamW schedule and the runtime. A pair x method
config adds the models (``models/``) and the method (``methods/``).
"""
_base_ = [
    './datasets/cifar10_folder.py',
    './schedules/adamw_cosine_4e.py',
    './runtime.py',
]

train_dataloader = dict(dataset=dict(max_per_class=500))
