"""Runtime of the distillation rows: the plugin's; validates both models."""
_base_ = ['../../../_base_/distill_runtime.py']

val_cfg = dict(type='mmrazor.SingleTeacherDistillValLoop')
test_cfg = dict()
