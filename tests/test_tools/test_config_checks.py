"""Config checks name the key behind a mistake."""
import pytest
from mmengine.config import Config

import lfcc_mm  # noqa: F401 - registers LFCCConnector
from lfcc_mm.cli.config_checks import (check_cfg_option_keys,
                                         check_data_paths, check_work_dir,
                                         describe_registry_miss,
                                         find_type_keys, key_being_built)
from lfcc_mm.errors import UserError
from mmrazor.registry import MODELS


def _cfg(dataset: dict) -> Config:
    return Config(dict(train_dataloader=dict(dataset=dataset)))


def test_existing_paths_pass(tmp_path):
    (tmp_path / 'imgs').mkdir()
    (tmp_path / 'ann.txt').write_text('')
    check_data_paths(
        _cfg(dict(data_root=str(tmp_path), ann_file='ann.txt',
                  data_prefix=dict(img_path='imgs'))),
        ['train_dataloader', 'val_dataloader'])  # no val loader: skipped


@pytest.mark.parametrize('make_dataset, key, missing', [
    (lambda root: dict(data_root=f'{root}/nope'),
     'train_dataloader.dataset.data_root', 'nope'),
    (lambda root: dict(data_root=root, ann_file='meta/train.txt'),
     'train_dataloader.dataset.ann_file', 'meta/train.txt'),
    (lambda root: dict(data_root=root, data_prefix=dict(img_path='train')),
     'train_dataloader.dataset.data_prefix.img_path', 'train'),
    (lambda root: dict(type='RepeatDataset',
                       dataset=dict(data_prefix=f'{root}/x')),
     'train_dataloader.dataset.dataset.data_prefix', 'x'),
    (lambda root: dict(type='ConcatDataset',
                       datasets=[dict(data_root=root),
                                 dict(data_root=f'{root}/y')]),
     'train_dataloader.dataset.datasets[1].data_root', 'y'),
])
def test_missing_path_names_key_and_path(tmp_path, make_dataset, key,
                                         missing):
    with pytest.raises(UserError) as info:
        check_data_paths(_cfg(make_dataset(str(tmp_path))),
                         ['train_dataloader'])
    message = str(info.value)
    assert message.startswith(f'{key}: ')
    assert f"{missing}' does not exist" in message


def test_remote_paths_are_not_checked():
    check_data_paths(_cfg(dict(data_root='s3://bucket/imagenet')),
                     ['train_dataloader'])


def test_find_type_keys_matches_scoped_names():
    cfg = dict(model=dict(type='mmpretrain.ResNet',
                          necks=[dict(type='ResNet')]))
    assert find_type_keys(cfg, 'ResNet') == ['model.type',
                                             'model.necks[0].type']


def test_registry_miss_gets_key_and_suggestion():
    cfg = Config(dict(model=dict(connectors=dict(
        s2=dict(type='LFCConnector', in_channels=4)))))
    with pytest.raises(KeyError) as info:
        MODELS.build(cfg.model.connectors.s2)
    message = describe_registry_miss(info.value, cfg)
    assert message.startswith("model.connectors.s2.type: 'LFCConnector' is "
                              'not in the mmrazor::model registry')
    assert "did you mean 'LFCCConnector'" in message
    assert describe_registry_miss(KeyError('other'), cfg) is None


def test_key_being_built_finds_the_failing_component():
    cfg = Config(dict(model=dict(connectors=dict(
        s2=dict(type='LFCCConnector', in_channels=8),
        t4=dict(type='LFCCConnector', in_channels=0)))))
    with pytest.raises(ValueError) as info:
        MODELS.build(cfg.model.connectors.t4)
    assert key_being_built(info.tb, cfg) == 'model.connectors.t4'
    assert key_being_built(None, cfg) is None


# ---- --cfg-options keys ----------------------------------------------------

def _options_cfg() -> Config:
    return Config(dict(
        work_dir='w', val_cfg=None,
        train_cfg=dict(type='IterBasedTrainLoop', max_iters=4),
        custom_hooks=[dict(type='A')],
        model=dict(distill_losses=dict(loss_lfcc=dict(loss_weight=1.0)))))


def test_existing_and_new_keys_pass():
    cfg = _options_cfg()
    options = {'train_cfg.max_iters': 7, 'custom_hooks.0.priority': 'LOW',
               'train_dataloader.persistent_workers': False,  # new subtree
               'model.init_cfg': None, 'randomness.seed': 3}
    assert check_cfg_option_keys(cfg, options) == options


@pytest.mark.parametrize('key, message', [
    # top-level typo: silently ignored by mmengine
    ('work_dri', "'work_dri' is not in the config (did you mean "
     "'work_dir'?); write +work_dri=... to add it anyway"),
    ('train_cfg.max_iter', "'train_cfg.max_iter' is not in the config (did "
     "you mean 'train_cfg.max_iters'?)"),
    ('model.distill_losses.loss_lfc.loss_weight',
     "did you mean 'model.distill_losses.loss_lfcc'?"),
    # below a value that is not a dict: a TypeError trace in mmengine
    ('train_cfg.max_iters.x', "'train_cfg.max_iters' is an int (4), not a "
     "dict, so it has no key 'x'"),
    ('model.distill_losses.loss_lfcc.loss_weight.x', "'model.distill_losses."
     "loss_lfcc.loss_weight' is a float (1.0), not a dict"),
    ('custom_hooks.3.type', "'custom_hooks' is a list of 1 items, so '3' "
     'must be an index from 0 to 0'),
    ('custom_hooks.first', "so 'first' must be an index"),
    ('train_cfg..max_iters', 'is not a dotted key'),
])
def test_refused_keys(key, message):
    with pytest.raises(UserError) as info:
        check_cfg_option_keys(_options_cfg(), {key: 1})
    assert str(info.value).startswith('--cfg-options: ')
    assert message in str(info.value)


def test_a_key_below_none_makes_it_a_dict():
    cfg = _options_cfg()
    options = check_cfg_option_keys(cfg, {'val_cfg.type': 'ValLoop',
                                          'val_cfg.fp16': True})
    cfg.merge_from_dict(options)
    assert cfg.val_cfg == dict(type='ValLoop', fp16=True)


def test_plus_adds_a_key_close_to_an_existing_one():
    cfg = _options_cfg()
    options = check_cfg_option_keys(
        cfg, {'+model.distill_losses.loss_lfcc2.loss_weight': 0.5})
    assert options == {'model.distill_losses.loss_lfcc2.loss_weight': 0.5}
    cfg.merge_from_dict(options)
    assert cfg.model.distill_losses.loss_lfcc2.loss_weight == 0.5
    assert cfg.model.distill_losses.loss_lfcc.loss_weight == 1.0


def test_work_dir_must_not_be_a_file(tmp_path):
    check_work_dir(str(tmp_path / 'new' / 'run'))  # need not exist
    check_work_dir(str(tmp_path))
    check_work_dir('s3://bucket/run')
    (tmp_path / 'file').write_text('x')
    with pytest.raises(UserError, match=r"work_dir '.*file' is an existing "
                       r'file, not a folder; choose another --work-dir'):
        check_work_dir(str(tmp_path / 'file'))
    with pytest.raises(UserError, match=r"work_dir '.*file/run' cannot be "
                       r"created: '.*file' is an existing file"):
        check_work_dir(str(tmp_path / 'file' / 'run'))
