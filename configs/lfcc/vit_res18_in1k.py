"""Short alias of ``lfcc_deit-s_res18_8xb32_in1k.py`` for the README command.

    tools/dist_train.sh configs/lfcc/vit_res18_in1k.py 8

distils a DeiT-S (ViT) teacher into ResNet-18 with LFCC on ImageNet-1K, on
8 GPUs x 32 images (global batch 256). Every other config carries the full
OpenMMLab name ``{method}_{teacher}_{student}_{gpus}xb{batch}_{dataset}``.
"""
_base_ = ['./lfcc_deit-s_res18_8xb32_in1k.py']
