"""crd: contrastive representation distillation (Tian et al., ICLR 2020).

MMRazor's CRD (``crd_neck_r50_r18_8xb16_cifar10``): ``CRDConnector``
(linear to 128-d + L2 norm) on the penultimate feature of each side (here
the input of ``head.fc``, so every architecture is handled the same way)
and ``CRDLoss`` (NCE against a momentum memory bank of every training
image, ``T=0.07``, momentum 0.5, weight 0.8 as in the paper's CRD row),
next to the student's cross-entropy.

Negatives: 4,096 per image, not the 16,384 of CRD's CIFAR-100 recipe
(50,000 training images). Here the student trains on 5,000 images, so an
image has 4,500 of other classes to draw from: 16,384 draws (with
replacement) would repeat each about 3.6 times and, measured on this 2-core
machine, made a CRD run 6x as long as any other method (630 s vs. about
105 s for ``vit-s -> res18-w16``), for the same set of negatives.

CRD needs each image's dataset index and, in its ``'exact'`` mode, negatives
drawn from the other classes: a CRD config wraps its training set in
MMRazor's ``CRDDataset`` (``crd_dataset``) and packs the indices with
``PackCRDInputs`` (``crd_pack``; MMRazor's ``PackCRDClsInputs`` needs
mmcls). ``sample_n``, the memory's size, must be the number of training
images: 5,000 for the default student set (500 per class);
:func:`lfcc_bench.run_config.load_bench_config` sets it from the real
dataset. ``CRDDataset`` needs the same number of images in every class.
"""
crd_dataset = dict(
    type='mmrazor.CRDDataset', neg_num=4096, percent=1.0,
    sample_mode='exact')
crd_pack = dict(type='PackCRDInputs')

model = dict(
    _scope_='mmrazor',
    type='FrozenTeacherDistill',
    distiller=dict(
        type='CheckedDistiller',
        student_recorders=dict(
            feat=dict(type='ModuleInputs', source='head.fc'),
            data_samples=dict(type='ModuleInputs', source='')),
        teacher_recorders=dict(
            feat=dict(type='ModuleInputs', source='head.fc')),
        connectors=dict(
            s_feat=dict(type='CRDConnector', dim_out=128),
            t_feat=dict(type='CRDConnector', dim_out=128)),
        distill_losses=dict(
            loss_crd=dict(
                type='CRDLoss',
                loss_weight=0.8,
                temperature=0.07,
                neg_num=4096,
                sample_n=5000,
                dim_out=128,
                momentum=0.5)),
        loss_forward_mappings=dict(
            loss_crd=dict(
                s_feats=dict(
                    from_student=True,
                    recorder='feat',
                    data_idx=0,
                    connector='s_feat'),
                t_feats=dict(
                    from_student=False,
                    recorder='feat',
                    data_idx=0,
                    connector='t_feat'),
                data_samples=dict(
                    from_student=True, recorder='data_samples',
                    data_idx=1)))))
