"""OFA-KD: timm:convnext_atto -> timm:mixer_s16_224 on ImageNet-1K, generated
by tools/misc/make_pair_config.py from one dry forward of each model at 224
px.

Teacher: hierarchical (strides 4/8/16/32); student: isotropic (8 blocks at
1/16); recipe of the student family (token). Taps by the rules of
lfcc_mm/taps.py (stages matched by stride; an isotropic model at blocks
ceil(2d/3) and d for LFCC, at OFA-KD's (2, 2, 6, 2) stage ends for OFA);
tools/analysis/list_taps.py shows every candidate.

Command:
    python tools/misc/make_pair_config.py timm:convnext_atto timm:mixer_s16_224 --method ofa
"""
_base_ = [
    '../_base_/recipes/in1k_adamw-300e-deit_8xb128.py',
    '../_base_/methods/ofa_logits.py',
]

# Teacher weights: timm's own (pretrained=True, downloaded by timm); no teacher_ckpt.
model = dict(
    architecture=dict(
        type='mmpretrain.TimmClassifier',
        model_name='mixer_s16_224',
        loss=dict(
            type='mmpretrain.LabelSmoothLoss',
            label_smooth_val=0.1,
            mode='original')),
    teacher=dict(
        type='mmpretrain.TimmClassifier',
        model_name='convnext_atto',
        pretrained=True,
        loss=dict(type='mmpretrain.CrossEntropyLoss')),
    teacher_ckpt=None,
    # The teacher's own input normalisation.
    teacher_data_preprocessor=dict(
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375]),
    distiller=dict(
        student_recorders=dict(
            logits=dict(type='ModuleOutputs', source='model.head'),
            gt_labels=dict(type='ModuleInputs', source='loss_module'),
            # (1, 196, 512) nlc, 14x14 at 1/16
            stage1=dict(source='model.blocks.0'),
            # (1, 196, 512) nlc, 14x14 at 1/16
            stage2=dict(source='model.blocks.2'),
            # (1, 196, 512) nlc, 14x14 at 1/16
            stage3=dict(source='model.blocks.6'),
            # (1, 196, 512) nlc, 14x14 at 1/16
            stage4=dict(source='model.blocks.7')),
        teacher_recorders=dict(
            logits=dict(type='ModuleOutputs', source='model.head.fc')),
        connectors=dict(
            stage1=dict(
                in_channels=512,
                layout='nlc',
                out_channels=512,
                branch='token',
                hw=(14, 14),
                final_grid=7),
            stage2=dict(
                in_channels=512,
                layout='nlc',
                out_channels=512,
                branch='token',
                hw=(14, 14),
                final_grid=7),
            stage3=dict(
                in_channels=512,
                layout='nlc',
                out_channels=512,
                branch='token',
                hw=(14, 14),
                final_grid=7),
            stage4=dict(
                in_channels=512,
                layout='nlc',
                out_channels=512,
                branch='token',
                hw=(14, 14),
                final_grid=7))))
