"""From scratch: ResNet-18 on CIFAR-100 at 224 px (OFA-KD's protocol).

The "from scratch" row of OFA-KD's CIFAR-100 table: the student alone with
label-smoothed cross-entropy on OFA-KD's CNN recipe (SGD, cnn.yaml), 1 GPU x
128, 300 epochs.
"""
_base_ = [
    './_base_/data_res18.py',
    './_base_/schedule_cnn.py',
    './_base_/runtime_scratch.py',
    './_base_/models.py',
]

model = _base_.res18
