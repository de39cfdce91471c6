"""The config tree follows its conventions: names, runtime, recipes, twins.

Fast checks on loaded configs only (no model is built here).
"""
import copy
import functools
import re
from pathlib import Path
from typing import Any, Dict, Tuple

import mmpretrain
import pytest
import yaml
from mmengine import ConfigDict
from mmengine.hub import get_config

from .config_helpers import (ALIASES, CONFIGS, all_configs, distill_configs,
                             load)

MMPRETRAIN_CONFIGS = Path(mmpretrain.__file__).parent / '.mim' / 'configs'
DISTILL_NAME = re.compile(r'^(?P<method>lfcc-kd|lfcc|kd|dkd|ofa)_'
                          r'(?P<teacher>[a-z0-9-]+)_(?P<student>[a-z0-9-]+)_'
                          r'(?P<gpus>\d+)xb(?P<batch>\d+)_'
                          r'(?P<data>in1k|cifar100)\.py$')
SCRATCH_NAME = re.compile(r'^scratch_(?P<student>[a-z0-9-]+)_(?P<gpus>\d+)xb'
                          r'(?P<batch>\d+)_(?P<data>in1k|cifar100)\.py$')
STUDENT_NAME = re.compile(r'^(?P<model>[a-z0-9-]+)_(?P<gpus>\d+)xb'
                          r'(?P<batch>\d+)_(?P<data>in1k|cifar100)\.py$')
TEACHER_NAME = re.compile(r'^(?P<model>[a-z0-9-]+)_in1k-pre_(?P<gpus>\d+)xb'
                          r'(?P<batch>\d+)_cifar100\.py$')
DATASET_TYPE = {'in1k': 'ImageNet', 'cifar100': 'CIFAR100'}
METHOD_DIR = {
    'lfcc': 'lfcc',
    'lfcc-kd': 'lfcc',
    'kd': 'baselines/kd',
    'dkd': 'baselines/dkd',
    'ofa': 'baselines/ofa'
}
CNN_BACKBONES = {'ResNet', 'ResNet_CIFAR', 'MobileNetV2'}
TOKEN_BACKBONES = {'VisionTransformer', 'MlpMixer'}
# What must be equal between an LFCC config and its KD / DKD / OFA twin.
SAME_RECIPE_KEYS = ('train_dataloader', 'val_dataloader', 'optim_wrapper',
                    'param_scheduler', 'train_cfg', 'data_preprocessor')


@functools.lru_cache(maxsize=None)
def _mmpretrain_model(cfg_path: str) -> Dict[str, Any]:
    """The model dict of an ``mmpretrain::`` config (cached)."""
    return get_config(cfg_path).model.to_dict()


@functools.lru_cache(maxsize=None)
def _mmpretrain_inputs(cfg_path: str) -> Tuple[Dict[str, Any], int]:
    """Data preprocessor and test crop size of an ``mmpretrain::`` config."""
    cfg = get_config(cfg_path)
    crops = [t.crop_size for t in cfg.test_dataloader.dataset.pipeline
             if t.type == 'CenterCrop']
    return cfg.data_preprocessor.to_dict(), crops[0]


def _resolve_model(model_cfg: Dict[str, Any]) -> Dict[str, Any]:
    """The ImageClassifier dict behind a ``cfg_path`` entry (or itself),
    without ``_scope_`` keys (mmengine adds them to inherited bases)."""
    if 'cfg_path' in model_cfg:
        model = copy.deepcopy(_mmpretrain_model(model_cfg['cfg_path']))
    else:
        model = copy.deepcopy(dict(model_cfg))
    model.pop('_scope_', None)
    return ConfigDict(model)


def _full_name(rel_path: str) -> str:
    """Alias -> the config it inherits; others unchanged."""
    return ALIASES.get(rel_path, rel_path)


def test_imagenet_pairs_cover_every_direction_between_families():
    family_of = {
        'ResNet': 'CNN',
        'MobileNetV2': 'CNN',
        'ConvNeXt': 'CNN',
        'VisionTransformer': 'ViT',
        'SwinTransformer': 'ViT',
        'MlpMixer': 'MLP'
    }
    directions = set()
    for rel in all_configs():
        if rel.startswith('lfcc/lfcc_') and rel.endswith('_in1k.py'):
            model = load(rel).model
            directions.add(
                tuple(family_of[_resolve_model(model[key]).backbone.type]
                      for key in ('teacher', 'architecture')))
    expected = {(t, s)
                for t in ('CNN', 'ViT', 'MLP')
                for s in ('CNN', 'ViT', 'MLP') if t != s}
    assert expected <= directions, f'missing {expected - directions}'


@pytest.mark.parametrize('rel_path', all_configs())
def test_name_states_method_dataset_and_global_batch(rel_path):
    """``{method}_{teacher}_{student}_{gpus}xb{batch}_{data}.py`` (teachers:
    ``{model}_in1k-pre_{gpus}xb{batch}_cifar100.py``); aliases inherit one
    such config and add nothing."""
    cfg = load(rel_path)
    if rel_path in ALIASES:
        text = (CONFIGS / rel_path).read_text()
        target = Path(ALIASES[rel_path]).name
        assert f"_base_ = ['./{target}']" in text
        assert cfg.to_dict() | {
            'filename': None
        } == (
            load(ALIASES[rel_path]).to_dict() | {
                'filename': None
            })
        return
    name = Path(rel_path).name
    if rel_path.startswith('teachers/'):
        match = TEACHER_NAME.match(name)
        data = 'cifar100'
    elif rel_path.startswith('students/'):
        match = STUDENT_NAME.match(name)
        assert match, f'{rel_path}: not {{model}}_{{gpus}}xb{{batch}}_...'
        data = match['data']
    elif rel_path.startswith('baselines/scratch/'):
        match = SCRATCH_NAME.match(name)
        assert match, f'{rel_path}: not scratch_{{student}}_...'
        data = match['data']
    else:
        match = DISTILL_NAME.match(name)
        assert match, f'{rel_path}: name does not follow the convention'
        data = match['data']
        assert rel_path.startswith(METHOD_DIR[match['method']] + '/')
    assert match, f'{rel_path}: name does not follow the convention'
    assert int(match['batch']) == cfg.train_dataloader.batch_size
    # the total batch the lr is for: what tools/train.py checks a
    # multi-process launch against (lfcc_mm.cli.runner)
    assert cfg.auto_scale_lr.base_batch_size == \
        int(match['gpus']) * int(match['batch']), rel_path
    assert cfg.train_dataloader.dataset.type == DATASET_TYPE[data]


@pytest.mark.parametrize('rel_path', all_configs())
def test_train_loader_drops_the_incomplete_last_batch(rel_path):
    """A last batch of one sample would leave ``LFCCLoss`` without
    negatives (and BatchNorm without statistics): every train loader drops
    it. mmengine hands ``drop_last`` to ``torch.utils.data.DataLoader``."""
    assert load(rel_path).train_dataloader.get('drop_last') is True


@pytest.mark.parametrize('rel_path', distill_configs())
def test_distill_config_runtime(rel_path):
    cfg = load(rel_path)
    assert 'lfcc_mm' in cfg.custom_imports['imports']
    assert cfg.custom_imports['allow_failed_imports'] is False
    # As MMRazor's distill configs: data/metrics in mmpretrain's scope, the
    # algorithm in MMRazor's.
    assert cfg.default_scope == 'mmpretrain'
    assert cfg.model['_scope_'] == 'mmrazor'
    # LFCC and its baselines share one algorithm class (the baselines use
    # its neutral registry name) and the checked distiller.
    method = rel_path.split('/')[-2] if 'baselines' in rel_path else 'lfcc'
    assert cfg.model.type == ('LFCC' if method == 'lfcc' else
                              'FrozenTeacherDistill')
    assert cfg.model.distiller.type == 'CheckedDistiller'
    assert cfg.val_cfg == dict(type='mmrazor.SingleTeacherDistillValLoop')
    assert cfg.data_preprocessor.type == 'mmpretrain.ClsDataPreprocessor'
    for loss_name in cfg.model.distiller.distill_losses:
        assert 'loss' in loss_name


@pytest.mark.parametrize('rel_path', distill_configs())
def test_recipe_matches_student_family(rel_path):
    """CNN students: SGD, no batch augmentations; ViT / MLP students: AdamW,
    300 epochs, RandAugment + Mixup / CutMix (the DeiT recipe)."""
    cfg = load(rel_path)
    backbone = _resolve_model(cfg.model.architecture).backbone.type
    optimizer = cfg.optim_wrapper.optimizer.type
    augments = cfg.data_preprocessor.get('batch_augments')
    pipeline = [t.type for t in cfg.train_dataloader.dataset.pipeline]
    imagenet = cfg.train_dataloader.dataset.type == 'ImageNet'
    if backbone == 'MobileNetV2' and imagenet:
        # mmpretrain::mobilenet_v2/mobilenet-v2_8xb32_in1k.py
        assert optimizer == 'SGD' and augments is None
        optim = cfg.optim_wrapper.optimizer
        assert (optim.lr, optim.momentum, optim.weight_decay) == (
            0.045, 0.9, 4e-5)
        scheduler = {k: v for k, v in cfg.param_scheduler.items()
                     if k != '_scope_'}
        assert scheduler == dict(
            type='StepLR', by_epoch=True, step_size=1, gamma=0.98)
        assert cfg.train_cfg.max_epochs == 300
    elif backbone in CNN_BACKBONES:
        assert optimizer == 'SGD' and augments is None
        epochs = 100 if imagenet else 200
        assert cfg.train_cfg.max_epochs == epochs
    else:
        assert backbone in TOKEN_BACKBONES
        assert optimizer == 'AdamW' and cfg.train_cfg.max_epochs == 300
        assert [a.type for a in augments.augments] == ['Mixup', 'CutMix']
        assert 'RandAugment' in pipeline and 'RandomErasing' in pipeline
    if 'loss_dkd' in cfg.model.distiller.distill_losses:
        assert augments is None, 'DKD needs hard labels: no Mixup / CutMix'


@pytest.mark.parametrize(
    'rel_path', [p for p in distill_configs() if p.startswith('baselines/')])
def test_baseline_shares_teacher_student_and_recipe_with_lfcc(rel_path):
    name = Path(rel_path).name
    lfcc_rel = 'lfcc/lfcc_' + name.split('_', 1)[1]
    assert (CONFIGS / lfcc_rel).is_file(), f'{rel_path}: no {lfcc_rel}'
    cfg, lfcc = load(rel_path), load(lfcc_rel)
    for key in ('teacher', 'teacher_ckpt', 'teacher_data_preprocessor'):
        assert cfg.model[key] == lfcc.model[key], key
    # The same student; a baseline's reference may re-weight its CE loss.
    assert _without_ce_weight(cfg.model.architecture) == _without_ce_weight(
        lfcc.model.architecture)
    for key in SAME_RECIPE_KEYS:
        assert cfg[key] == lfcc[key], key


IN1K_STUDENTS = {  # configs/lfcc student -> its scratch config
    'resnet/resnet18_8xb32_in1k.py': 'scratch_res18_8xb32_in1k.py',
    'mobilenet_v2/mobilenet-v2_8xb32_in1k.py': 'scratch_mbv2_8xb32_in1k.py',
    'deit/deit-tiny_4xb256_in1k.py': 'scratch_deit-t_8xb128_in1k.py',
    'MlpMixer': 'scratch_mixer-s_8xb128_in1k.py',
}


def _student_key(architecture) -> str:
    if 'cfg_path' in architecture:
        return architecture.cfg_path.split('::')[1]
    return architecture.backbone.type


@pytest.mark.parametrize(
    'rel_path', [p for p in all_configs()
                 if re.match(r'lfcc/lfcc(-kd)?_.*_in1k\.py$', p)])
def test_every_in1k_student_has_a_scratch_row_on_the_same_recipe(rel_path):
    """Each ImageNet row's "delta vs scratch" compares with a scratch
    config of the same student, recipe and runtime (no teacher, plain
    validation loop, the student's own loss only)."""
    pair = load(rel_path)
    key = _student_key(pair.model.architecture)
    scratch = load('baselines/scratch/' + IN1K_STUDENTS[key])
    assert scratch.model == dict(
        _scope_='mmrazor', type='BaseAlgorithm',
        architecture=pair.model.architecture)
    for key in SAME_RECIPE_KEYS + ('auto_scale_lr', 'default_hooks',
                                   'custom_imports', 'test_cfg'):
        assert scratch.get(key) == pair.get(key), key
    assert scratch.val_cfg == {} and 'teacher' not in scratch.model


def _without_ce_weight(model_cfg: Dict[str, Any]) -> Dict[str, Any]:
    """A model dict without ``head.loss.loss_weight``."""
    model = copy.deepcopy(model_cfg.to_dict())
    model.get('head', {}).get('loss', {}).pop('loss_weight', None)
    return model


def _ce_weight(cfg) -> float:
    """The weight of the student's own (cross-entropy) loss."""
    loss = cfg.model.architecture.get('head', {}).get('loss', {})
    return loss.get('loss_weight', 1.0)


# What each baseline's cited reference sets, per dataset (see the method
# bases' docstrings): the distill losses (type and arguments that matter)
# and the student's cross-entropy weight.
REFERENCE_SETTINGS = {
    # MMRazor kd_logits_resnet34_resnet18_8xb32_in1k.
    ('kd', 'in1k'): (dict(loss_kd=dict(type='KLDivergence', tau=1,
                                       loss_weight=3)), 1.0),
    # CRD (-r 0.1 -a 0.9, T 4) and mdistiller CFG.KD.
    ('kd', 'cifar100'): (dict(loss_kd=dict(type='KLDivergence', tau=4,
                                           loss_weight=0.9)), 0.1),
    # mdistiller imagenet/r34_r18/dkd.yaml (= MMRazor's DKD config), with
    # the authors' batch mean.
    ('dkd', 'in1k'): (dict(loss_dkd=dict(type='BatchMeanDKDLoss', tau=1,
                                         alpha=1, beta=0.5,
                                         loss_weight=1)), 1.0),
    # mdistiller CFG.DKD: T 4, alpha 1, beta 8, warm-up 20 epochs.
    ('dkd', 'cifar100'): (dict(loss_dkd=dict(type='BatchMeanDKDLoss', tau=4,
                                             alpha=1, beta=8, loss_weight=1,
                                             warmup_epochs=20)), 1.0),
}
OFA_EPS = {'in1k': 1.5, 'cifar100': 1.0}  # OFA-KD's release


@pytest.mark.parametrize(
    'rel_path', [p for p in distill_configs() if p.startswith('baselines/')])
def test_baseline_settings_follow_their_reference(rel_path):
    match = DISTILL_NAME.match(Path(rel_path).name)
    cfg = load(rel_path)
    losses = cfg.model.distiller.distill_losses.to_dict()
    if match['method'] == 'ofa':
        assert {loss['eps'] for loss in losses.values()} == {
            OFA_EPS[match['data']]}
        assert {loss['temperature'] for loss in losses.values()} == {1.0}
        assert _ce_weight(cfg) == 1.0
        return
    expected, ce_weight = REFERENCE_SETTINGS[match['method'], match['data']]
    assert losses == expected
    assert _ce_weight(cfg) == ce_weight


@pytest.mark.parametrize(
    'rel_path', [p for p in all_configs() if p.startswith('lfcc/lfcc_')])
def test_every_lfcc_pair_has_its_baselines(rel_path):
    rest = Path(rel_path).name.split('_', 1)[1]
    for method in ('kd', 'ofa'):
        assert (CONFIGS / 'baselines' / method / f'{method}_{rest}').is_file()
    cfg = load(rel_path)
    if cfg.data_preprocessor.get('batch_augments') is None:
        assert (CONFIGS / 'baselines' / 'dkd' / f'dkd_{rest}').is_file()


@pytest.mark.parametrize(
    'rel_path', [p for p in all_configs() if p.startswith('lfcc/lfcc_')])
def test_lfcc_is_ce_plus_lfcc_and_lfcc_kd_adds_the_kd_baseline_term(rel_path):
    """``lfcc_*``: the student's loss + LFCC stages, nothing else.
    ``lfcc-kd_*``: exactly its LFCC twin plus the KD term (recorders, loss,
    mapping and cross-entropy weight) of the pair's KD baseline."""
    rest = Path(rel_path).name.split('_', 1)[1]
    lfcc = load(rel_path)
    assert {loss.type for loss in lfcc.model.distiller.distill_losses.values()
            } == {'LFCCLoss'}
    assert _ce_weight(lfcc) == 1.0
    both = load(f'lfcc/lfcc-kd_{rest}')
    kd = load(f'baselines/kd/kd_{rest}')
    d_both, d_lfcc, d_kd = (c.model.distiller.to_dict()
                            for c in (both, lfcc, kd))
    for key in ('student_recorders', 'teacher_recorders', 'distill_losses',
                'loss_forward_mappings'):
        assert d_both[key] == {**d_lfcc[key], **d_kd[key]}, key
    assert d_both['connectors'] == d_lfcc['connectors']
    assert both.model.architecture == kd.model.architecture
    for key in ('type', 'teacher', 'teacher_ckpt',
                'teacher_data_preprocessor'):
        assert both.model[key] == lfcc.model[key], key
    for key in SAME_RECIPE_KEYS:
        assert both[key] == lfcc[key], key


def _logits_source(classifier: Dict[str, Any]) -> str:
    """The module whose output is a classifier's logits."""
    if classifier.head.type == 'VisionTransformerClsHead':
        return 'head.layers.head'
    return 'head.fc'


@pytest.mark.parametrize(
    'rel_path', [p for p in all_configs() if p.startswith('baselines/ofa/')])
def test_ofa_config_matches_every_exit_to_the_teacher_logits(rel_path):
    """One ``OFALoss`` on the student's logits and one per stage branch
    (stages 1-4), all against the teacher's logits with the head's labels,
    one shared ``eps``; branches sized by the student's family."""
    cfg = load(rel_path)
    student = _resolve_model(cfg.model.architecture)
    teacher = _resolve_model(cfg.model.teacher)
    distiller = cfg.model.distiller
    stages = [f'stage{k}' for k in (1, 2, 3, 4)]

    assert distiller.teacher_recorders.logits == dict(
        type='ModuleOutputs', source=_logits_source(teacher))
    recorders = distiller.student_recorders
    assert recorders.logits == dict(
        type='ModuleOutputs', source=_logits_source(student))
    assert recorders.gt_labels == dict(
        type='ModuleInputs', source='head.loss_module')
    sources = [recorders[s].source for s in stages]
    assert all(s.startswith('backbone.') for s in sources)
    assert len(set(sources)) == 4, f'{rel_path}: repeated taps {sources}'

    losses = distiller.distill_losses
    assert set(losses) == {'loss_ofa_logits'} | {f'loss_ofa_{s}'
                                                 for s in stages}
    assert {loss.type for loss in losses.values()} == {'OFALoss'}
    assert len({loss.eps for loss in losses.values()}) == 1, 'one eps'
    for name, mapping in distiller.loss_forward_mappings.items():
        stage = name[len('loss_ofa_'):]
        expected_s = (dict(from_student=True, recorder='logits')
                      if stage == 'logits' else dict(
                          from_student=True, recorder=stage,
                          connector=stage))
        assert mapping == dict(
            preds_S=expected_s,
            preds_T=dict(from_student=False, recorder='logits'),
            gt_labels=dict(
                from_student=True, recorder='gt_labels', data_idx=1)), name

    token_student = student.backbone.type in TOKEN_BACKBONES
    width_s, width_t = student.head.in_channels, teacher.head.in_channels
    assert set(distiller.connectors) == set(stages)
    for k, stage in enumerate(stages, 1):
        branch = distiller.connectors[stage]
        assert branch.type == 'OFABranch' and branch.stage == k
        assert branch.num_classes == student.head.num_classes
        assert branch.get('layout', 'nchw') == ('nlc' if token_student else
                                                'nchw')
        assert branch.out_channels == (
            width_s if token_student else max(width_s, width_t)), stage


@pytest.mark.parametrize('rel_path', distill_configs())
def test_teacher_ckpt_belongs_to_the_teacher(rel_path):
    """ImageNet: the URL is the mmpretrain zoo checkpoint of the teacher's
    own config. CIFAR-100: the path is the last epoch that a
    ``configs/teachers`` config writes for exactly this teacher model."""
    cfg = load(_full_name(rel_path))
    ckpt = cfg.model.teacher_ckpt
    teacher = cfg.model.teacher
    if ckpt.startswith('https://'):
        cfg_path = teacher.cfg_path.split('::')[1]
        meta = yaml.safe_load((MMPRETRAIN_CONFIGS / Path(cfg_path).parent /
                               'metafile.yml').read_text())
        pairs = {(m.get('Config'), m.get('Weights')) for m in meta['Models']}
        assert (f'configs/{cfg_path}', ckpt) in pairs
        return
    match = re.fullmatch(r'work_dirs/(?P<name>[^/]+)/epoch_(?P<ep>\d+)\.pth',
                         ckpt)
    assert match, f'{rel_path}: unexpected teacher_ckpt {ckpt!r}'
    teacher_cfg = load(f"teachers/{match['name']}.py")
    assert int(match['ep']) == teacher_cfg.train_cfg.max_epochs
    finetuned = _resolve_model(teacher_cfg.model).to_dict()
    finetuned['backbone'].pop('init_cfg')
    assert _resolve_model(teacher).to_dict() == finetuned


@pytest.mark.parametrize('rel_path', distill_configs())
def test_teacher_sees_the_normalisation_it_was_trained_with(rel_path):
    """``teacher_data_preprocessor`` is the mean / std of the teacher's own
    training config (mmpretrain's config for zoo teachers, the fine-tuning
    config for CIFAR-100 teachers), with the student's channel order and
    resolution (no ``size``: every teacher here was evaluated at the
    students' crop)."""
    cfg = load(_full_name(rel_path))
    if cfg.model.teacher_ckpt.startswith('https://'):  # zoo teacher
        own, crop = _mmpretrain_inputs(cfg.model.teacher.cfg_path)
        assert crop == 224
        assert 'size' not in cfg.model.teacher_data_preprocessor
    else:
        name = re.fullmatch(r'work_dirs/(?P<name>[^/]+)/epoch_\d+\.pth',
                            cfg.model.teacher_ckpt)['name']
        own = load(f'teachers/{name}.py').data_preprocessor
    assert cfg.model.teacher_data_preprocessor == dict(
        mean=list(own['mean']), std=list(own['std'])), rel_path
    assert own.get('to_rgb', False) == cfg.data_preprocessor.get(
        'to_rgb', False)


@pytest.mark.parametrize(
    'rel_path', [p for p in all_configs() if p.startswith('teachers/')])
def test_teacher_finetune_starts_from_the_zoo(rel_path):
    cfg = load(rel_path)
    init = cfg.model.backbone.init_cfg
    assert init.type == 'Pretrained' and init.prefix == 'backbone.'
    assert init.checkpoint.startswith(
        'https://download.openmmlab.com/mmclassification/')
    assert cfg.model.head.num_classes == 100
    # A plain mmpretrain model; lfcc_mm is imported only for the safety
    # hooks every shipped runtime has (atomic checkpoints, non-finite loss,
    # work-dir lock, last-batch check).
    assert cfg.model.type == 'ImageClassifier'
    assert cfg.custom_imports.imports == ['lfcc_mm']
    assert cfg.default_hooks.checkpoint.type == 'AtomicCheckpointHook'


def test_metafile_lists_every_lfcc_config_once_and_says_its_losses():
    meta = yaml.safe_load((CONFIGS / 'lfcc' / 'metafile.yml').read_text())
    listed = [m['Config'] for m in meta['Models']
              if m['Config'].startswith('configs/')]
    expected = sorted(
        f'configs/{p}' for p in all_configs()
        if re.match(r'lfcc/lfcc(-kd)?_|baselines/scratch/', p))
    assert sorted(listed) == expected
    for model in meta['Models']:
        if model['Config'].startswith('configs/lfcc/lfcc'):
            kd = Path(model['Config']).name.startswith('lfcc-kd_')
            assert ('logit KD' in model['Metadata']['Losses']) == kd
