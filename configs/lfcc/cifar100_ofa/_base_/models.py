"""The timm teachers and students of OFA-KD's CIFAR-100 table (224 px inputs).

Every model is mmpretrain's ``TimmClassifier`` (``pip install -e .[timm]``),
so module paths start with ``model.`` and checkpoints are in timm's own key
layout. Students start from random weights (OFA-KD ``train.py``:
``--pretrained`` off) with the label smoothing of OFA-KD's recipes
(``smoothing: 0.1``).

Teachers: OFA-KD released its four CIFAR-100 teachers as timm 0.6.5
checkpoints (links in ``configs/lfcc/cifar100_ofa/README.md``). Convert each
once to today's timm layout (strictly checked) with
``tools/model_converters/timm_upgrade.py``; the ``*_ckpt`` paths below are
where the README's commands write them.

``<model>_logits`` is the module whose output is that model's logits (the
``logits`` recorders of the KD, OFA and LFCC + KD rows).
"""
# Scoped: the students are also built inside MMRazor's algorithms.
_smooth = dict(
    type='mmpretrain.LabelSmoothLoss', label_smooth_val=0.1, mode='original')

# MMRazor runs the frozen teacher in mode='loss' (under no_grad) to fill its
# recorders, so a teacher needs a classification loss too; unscoped, the
# default 'CrossEntropyLoss' would resolve to MMRazor's distillation loss.
_teacher_loss = dict(type='mmpretrain.CrossEntropyLoss')

# Teachers (OFA-KD's released CIFAR-100 checkpoints, converted).
swin_t = dict(
    type='mmpretrain.TimmClassifier',
    model_name='swin_tiny_patch4_window7_224',
    num_classes=100,
    loss=_teacher_loss)
swin_t_ckpt = 'checkpoints/cifar100_ofa/swin_tiny_patch4_window7_224_cifar100.pth'  # noqa: E501
swin_t_logits = 'model.head.fc'
vit_s = dict(
    type='mmpretrain.TimmClassifier',
    model_name='vit_small_patch16_224',
    num_classes=100,
    loss=_teacher_loss)
vit_s_ckpt = 'checkpoints/cifar100_ofa/vit_small_patch16_224_cifar100.pth'
vit_s_logits = 'model.head'
mixer_b = dict(
    type='mmpretrain.TimmClassifier',
    model_name='mixer_b16_224',
    num_classes=100,
    loss=_teacher_loss)
mixer_b_ckpt = 'checkpoints/cifar100_ofa/mixer_b16_224_cifar100.pth'
mixer_b_logits = 'model.head'
convnext_t = dict(
    type='mmpretrain.TimmClassifier',
    model_name='convnext_tiny',
    num_classes=100,
    loss=_teacher_loss)
convnext_t_ckpt = 'checkpoints/cifar100_ofa/convnext_tiny_cifar100.pth'
convnext_t_logits = 'model.head.fc'

# Students (from scratch).
res18 = dict(
    type='mmpretrain.TimmClassifier',
    model_name='resnet18',
    num_classes=100,
    loss=_smooth)
res18_logits = 'model.fc'
mbv2 = dict(
    type='mmpretrain.TimmClassifier',
    model_name='mobilenetv2_100',
    num_classes=100,
    loss=_smooth)
mbv2_logits = 'model.classifier'
deit_t = dict(
    type='mmpretrain.TimmClassifier',
    model_name='deit_tiny_patch16_224',
    num_classes=100,
    loss=_smooth)
deit_t_logits = 'model.head'
resmlp_s12 = dict(
    type='mmpretrain.TimmClassifier',
    model_name='resmlp_12_224',
    num_classes=100,
    loss=_smooth)
resmlp_s12_logits = 'model.head'
