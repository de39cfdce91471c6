"""ImageNet-1K recipe for the ResNet-18 student.

MobileNetV2 has its own: ``in1k_sgd-300e-mbv2_8xb32.py``.

The recipe of ``mmpretrain::resnet/resnet18_8xb32_in1k.py``: 8 GPUs x 32
images (global batch 256), SGD lr 0.1, 100 epochs, lr x0.1 at 30/60/90,
RandomResizedCrop + flip. A pair config adds ``_base_/methods/<method>.py``.

The Runner merges the top-level ``data_preprocessor`` into ``model`` (the
distillation algorithm), as in mmpretrain configs; the validation loop
reports both the student and the teacher.
"""
_base_ = [
    'mmpretrain::_base_/datasets/imagenet_bs32.py',
    'mmpretrain::_base_/schedules/imagenet_bs256.py',
    '../distill_runtime.py',
]

data_preprocessor = dict(type='mmpretrain.ClsDataPreprocessor')
# Drop an epoch's last, incomplete batch (a 1-sample batch has no negatives
# for LFCCLoss); mmengine passes drop_last to the DataLoader.
train_dataloader = dict(drop_last=True)
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
