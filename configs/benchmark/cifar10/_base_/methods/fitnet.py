"""fitnet: FitNets hints, MMRazor's connector and L2 loss on the two taps.

MMRazor's FitNet recipe (``fitnets_backbone_logits_resnet50_resnet18``):
a ``ConvModuleConnector`` (1x1 conv + BN) regresses each student feature
onto the teacher's, and ``L2Loss`` (features L2-normalised per image, then
the summed squared error per image, weight 10) compares them, on the same
``mid`` / ``last`` stages that LFCC distils.

What heterogeneous pairs need on top (our choices): ``LayoutAdapter`` turns
ViT / Mixer tokens into maps (cls token dropped) and average-pools both
sides to the smaller of the two grids (e.g. 8x8 tokens -> 4x4 for a
ResNet's 4x4 map), because MMRazor's connectors take maps of one size
only; and the regressor has no ReLU (``act_cfg=None``; MMRazor's default
has one), because transformer features are signed and a ReLU output could
never match their negative half. The generator fills in channels, layouts
and the grid from the models' taps.
"""
_fitnet_loss = dict(type='L2Loss', loss_weight=10)
_regressor = dict(
    type='ConvModuleConnector',
    kernel_size=1,
    norm_cfg=dict(type='BN'),
    act_cfg=None)

model = dict(
    _scope_='mmrazor',
    type='FrozenTeacherDistill',
    distiller=dict(
        type='CheckedDistiller',
        student_recorders=dict(
            mid=dict(type='ModuleOutputs'), last=dict(type='ModuleOutputs')),
        teacher_recorders=dict(
            mid=dict(type='ModuleOutputs'), last=dict(type='ModuleOutputs')),
        connectors=dict(
            s_mid=dict(type='LayoutAdapter', connector=_regressor),
            s_last=dict(type='LayoutAdapter', connector=_regressor),
            t_mid=dict(type='LayoutAdapter'),
            t_last=dict(type='LayoutAdapter')),
        distill_losses=dict(
            loss_fitnet_mid=_fitnet_loss, loss_fitnet_last=_fitnet_loss),
        loss_forward_mappings=dict(
            loss_fitnet_mid=dict(
                s_feature=dict(
                    from_student=True, recorder='mid', connector='s_mid'),
                t_feature=dict(
                    from_student=False, recorder='mid', connector='t_mid')),
            loss_fitnet_last=dict(
                s_feature=dict(
                    from_student=True, recorder='last', connector='s_last'),
                t_feature=dict(
                    from_student=False, recorder='last',
                    connector='t_last')))))
