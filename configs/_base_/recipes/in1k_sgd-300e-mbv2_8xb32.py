"""ImageNet-1K recipe for the MobileNetV2 student.

The recipe of ``mmpretrain::mobilenet_v2/mobilenet-v2_8xb32_in1k.py``: 8 GPUs
x 32 images (global batch 256), SGD lr 0.045, momentum 0.9, weight decay 4e-5,
300 epochs, lr x0.98 after every epoch (``StepLR``, step 1, gamma 0.98:
``mmpretrain::_base_/schedules/imagenet_bs256_epochstep.py``), the
``imagenet_bs32_pil_resize`` pipeline (RandomResizedCrop + flip; eval:
resize to 256, centre crop 224). lr 0.045, x0.98 per epoch and wd 4e-5
are also the MobileNetV2 paper's (Sandler et al., 2018, Sec. 6.1, with
RMSProp). Before, this student trained with ResNet-18's recipe (lr 0.1, wd
1e-4, 100 epochs: ``in1k_sgd-100e_8xb32.py``), which is not MobileNetV2's.
A pair config adds ``_base_/methods/<method>.py``.

The Runner merges the top-level ``data_preprocessor`` into ``model`` (the
distillation algorithm), as in mmpretrain configs; the validation loop
reports both the student and the teacher.
"""
_base_ = [
    'mmpretrain::_base_/datasets/imagenet_bs32_pil_resize.py',
    'mmpretrain::_base_/schedules/imagenet_bs256_epochstep.py',
    '../distill_runtime.py',
]

data_preprocessor = dict(type='mmpretrain.ClsDataPreprocessor')
# Drop an epoch's last, incomplete batch (a 1-sample batch has no negatives
# for LFCCLoss); mmengine passes drop_last to the DataLoader.
train_dataloader = dict(drop_last=True)
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
