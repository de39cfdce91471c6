"""The CIFAR-10 benchmark grid (``configs/benchmark/cifar10``) as configs.

Every teacher and pair x method config trains one step on a tiny class
folder through its own data pipeline, loader, model (teacher weights loaded
strictly from a checkpoint file), optimiser and ``train_step``; a sample of
them on fake CIFAR-10 / CIFAR-100 pickles through
:func:`lfcc_bench.run_config.load_bench_config`'s dataset swap; one
teacher -> CRD student chain runs through mmengine's ``Runner``. Structure:
the committed files are the generator's output, method configs differ only
in their distiller (CRD also in its training-set wrapper), names match the
method list, every direction is covered, teachers get the larger budget.
"""
import copy
import functools
import importlib.util
import json
import math
import pickle
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import MODELS, init_default_scope
from mmengine.runner import Runner
from mmpretrain.datasets import CIFAR10, CIFAR100
from PIL import Image

from lfcc_bench.driver import class_context
from lfcc_bench.fingerprint import (run_fingerprint, shaping_config,
                                   stable_hash)
from lfcc_bench.run_config import (BenchConfig, find_bench_configs,
                                      load_bench_config)
from lfcc_mm.errors import UserError

from .config_helpers import CONFIGS

BENCH = CONFIGS / 'benchmark' / 'cifar10'
#: The committed benchmark run (``tools/benchmark/kd_bench.py``'s outputs).
RESULTS_JSON = CONFIGS.parent / 'results' / 'benchmark_cifar10' / \
    'results.json'
_spec = importlib.util.spec_from_file_location(
    'make_bench_configs',
    CONFIGS.parent / 'tools' / 'benchmark' / 'make_bench_configs.py')
GEN = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(GEN)

GRID = find_bench_configs(str(BENCH))
TEACHERS = [c for c in GRID if c.method == 'teacher']
STUDENTS = [c for c in GRID if c.method != 'teacher']
# Keys a Runner reads; the rest of a config are its bases' variables.
RUN_KEYS = ('model', 'data_preprocessor', 'train_dataloader',
            'val_dataloader', 'test_dataloader', 'val_evaluator',
            'test_evaluator', 'optim_wrapper', 'param_scheduler', 'train_cfg',
            'val_cfg', 'test_cfg', 'default_hooks', 'env_cfg', 'randomness',
            'default_scope', 'custom_imports', 'visualizer', 'log_processor',
            'find_unused_parameters', 'load_from', 'resume')
FAMILY = {'ResNet_CIFAR': 'CNN', 'VisionTransformer': 'ViT',
          'MlpMixer': 'MLP'}


@functools.lru_cache(maxsize=None)
def _load(path):
    """A config, loaded once per session: callers must not modify it."""
    return Config.fromfile(path)


def _write_images(root, classes=('a', 'b'), per_class=2):
    rng = np.random.default_rng(0)
    for cls in classes:
        (root / cls).mkdir(parents=True)
        for i in range(per_class):
            pixels = rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(root / cls / f'{i}.png')
    return str(root)


FOLDER_CLASSES = ('a', 'b')


@pytest.fixture(scope='module')
def folder(tmp_path_factory):
    """A class-folder tree: 2 classes x 2 random 32x32 PNGs."""
    return _write_images(tmp_path_factory.mktemp('folder'), FOLDER_CLASSES)


def _write_pickles(root, folder, files, label_key, labels, n):
    """CIFAR python-format batches: ``data`` (N, 3072) uint8 + labels."""
    rng = np.random.default_rng(0)
    (root / folder).mkdir(parents=True, exist_ok=True)
    for name in files:
        entry = {'data': rng.integers(0, 256, (n, 3072), dtype=np.uint8),
                 label_key: [labels[i % len(labels)] for i in range(n)]}
        with open(root / folder / name, 'wb') as f:
            pickle.dump(entry, f)


@pytest.fixture
def fake_cifar(tmp_path, monkeypatch):
    """Fake CIFAR-10 (4 images per file, labels 0/1) and CIFAR-100 (200
    images, 2 per class) pickles; the md5 checks of mmpretrain's datasets
    are skipped (fake content)."""
    for cls in (CIFAR10, CIFAR100):
        for attr in ('train_list', 'test_list'):
            monkeypatch.setattr(cls, attr,
                                [[name, None] for name, _ in getattr(
                                    cls, attr)])
    c10, c100 = tmp_path / 'c10', tmp_path / 'c100'
    _write_pickles(c10, 'cifar-10-batches-py',
                   [n for n, _ in CIFAR10.train_list] + ['test_batch'],
                   'labels', [0, 1], n=4)
    _write_pickles(c100, 'cifar-100-python', ['train', 'test'],
                   'fine_labels', list(range(100)), n=200)
    return dict(cifar10=str(c10), cifar100=str(c100))


@pytest.fixture(scope='module')
def teacher_ckpts(tmp_path_factory):
    """One checkpoint per teacher config, in mmengine's layout, with the
    class-folder's 2 classes (a folder's class count sets every head's
    ``num_classes``, the teacher's too)."""
    out = tmp_path_factory.mktemp('ckpt')
    ckpts = {}
    for teacher in TEACHERS:
        model_cfg = copy.deepcopy(_load(teacher.path).model)
        model_cfg.head.num_classes = len(FOLDER_CLASSES)
        init_default_scope('mmpretrain')
        model = MODELS.build(model_cfg)
        path = out / f'{teacher.teacher}.pth'
        torch.save({'state_dict': model.state_dict()}, path)
        ckpts[teacher.teacher] = str(path)
    return ckpts


def _tiny(cfg):
    """Batch 2, no workers (the tiny sets have 4 images), no serialisation
    of the data list (its ``gc.collect()`` costs ~1 s per dataset here)."""
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[key].update(batch_size=2, num_workers=0)
        dataset = cfg[key].dataset
        while 'dataset' in dataset:
            dataset = dataset.dataset
        dataset.serialize_data = False
    return cfg


def _one_step(cfg):
    """Build loader, model and optimiser from ``cfg``; run one train_step.

    Returns:
        tuple: (losses, model, names of the parameters that received a
        gradient, parameters before the step by name).
    """
    init_default_scope(cfg.default_scope)
    loader = Runner.build_dataloader(copy.deepcopy(cfg.train_dataloader))
    model_cfg = copy.deepcopy(cfg.model)
    model_cfg.setdefault('data_preprocessor', cfg.data_preprocessor)
    model = MODELS.build(model_cfg).train()
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    got_grad = set()
    for name, param in model.named_parameters():
        if param.requires_grad:
            param.register_hook(
                lambda grad, name=name: got_grad.add(name))
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    losses = model.train_step(next(iter(loader)), optim_wrapper)
    return losses, model, got_grad, before


def _check_step(cfg, losses, model, got_grad, before, label):
    distill = cfg.model.get('distiller', {}).get('distill_losses', {})
    expected = {f'distill.{name}' for name in distill}
    missing = expected - set(losses)
    assert not missing, f'{label}: missing {missing}'
    assert set(losses) - expected, f'{label}: no cross-entropy loss'
    for name, value in losses.items():
        assert math.isfinite(value.item()), f'{label}: {name} = {value}'
    trained = {n for n, _ in model.named_parameters()
               if not n.startswith('teacher.')}
    # Every student / connector parameter is in the graph of the loss
    # (find_unused_parameters=False relies on it; a drop-path may still
    # zero a gradient) and the step moved the student; the teacher is
    # frozen and stays put.
    assert trained - got_grad == set(), f'{label}: {trained - got_grad}'
    assert not any(n.startswith('teacher.') for n in got_grad)
    changed = {n for n, p in model.named_parameters()
               if not torch.equal(p.detach(), before[n])}
    assert changed and not any(n.startswith('teacher.') for n in changed)


# ---- structure ------------------------------------------------------------


def test_committed_configs_are_the_generator_output():
    assert GEN.stale(GEN.expected_files()) == []


def test_names_match_the_method_list_and_every_pair_has_every_method():
    method_files = {p.stem for p in (BENCH / '_base_' / 'methods').glob(
        '*.py')}
    assert set(GEN.METHODS) == method_files
    assert {'scratch', 'kd', 'dkd', 'fitnet', 'crd', 'ofa', 'lfcc',
            'lfcc_kd', 'lfcc_s1', 'lfcc_dct'} <= method_files
    grid = {(c.teacher, c.student): set() for c in STUDENTS}
    for c in STUDENTS:
        assert c.dataset == 'cifar10'
        grid[(c.teacher, c.student)].add(c.method)
    assert set(grid) == set(GEN.PAIRS)
    assert all(methods == method_files for methods in grid.values())
    assert {t.teacher for t in TEACHERS} == {t for t, _ in GEN.PAIRS}


def test_pairs_cover_the_four_directions():
    directions = set()
    for c in STUDENTS:
        if c.method == 'kd':
            model = _load(c.path).model
            directions.add(tuple(FAMILY[model[k].backbone.type]
                                 for k in ('teacher', 'architecture')))
    assert directions >= {('ViT', 'CNN'), ('CNN', 'ViT'), ('CNN', 'MLP')}
    assert directions & {('MLP', 'CNN'), ('ViT', 'MLP')}


def _ordered(obj):
    """``obj`` with every dict as a list of items: order-sensitive compare
    (the order of recorders, connectors and losses is the order their
    modules are built in, hence their random initial weights)."""
    if isinstance(obj, dict):
        return [(k, _ordered(v)) for k, v in obj.items()]
    if isinstance(obj, (list, tuple)):
        return [_ordered(v) for v in obj]
    return obj


DERIVED = [c for c in STUDENTS if GEN.parent_method(c.method)]


def test_ablations_and_lfcc_kd_inherit_their_pairs_lfcc_config():
    assert {c.method for c in DERIVED} == {
        'lfcc_kd', 'lfcc_s1', 'lfcc_s4', 'lfcc_dct', 'lfcc_nonorm',
        'lfcc_tau05', 'lfcc_d32', 'lfcc_last', 'lfcc_sym', 'lfcc_s12',
        'lfcc_tau005', 'lfcc_queue', 'lfcc_mlp', 'lfcc_w2', 'lfcc_w1',
        'lfcc_nocls', 'lfcc_nocls_w1', 'lfcc_kd_w1', 'lfcc_kd_nocls_w1'}
    for c in DERIVED:
        text = Path(c.path).read_text()
        parent = GEN.parent_method(c.method)
        assert parent == {'lfcc_nocls_w1': 'lfcc_nocls',
                          'lfcc_kd_w1': 'lfcc_kd',
                          'lfcc_kd_nocls_w1': 'lfcc_kd_w1'}.get(c.method,
                                                                'lfcc')
        assert f"_base_ = './{parent}_{c.teacher}_{c.student}_cifar10.py'" \
            in text, c.path
        assert 'teacher_ckpt' not in text.split('"""')[2], c.path
    s1 = (BENCH / 'lfcc_s1_vit-s_res18-w16_cifar10.py').read_text()
    assert s1.split('"""')[2].count('\n') <= 12  # a few lines, no taps
    assert 'source=' not in s1 and 'in_channels' not in s1


@pytest.mark.parametrize('bench', DERIVED, ids=lambda c: Path(c.path).stem)
def test_derived_config_resolves_as_its_method_file_composes(bench,
                                                              tmp_path):
    """Inheriting the pair's ``lfcc`` config gives exactly the config
    composed from ``_base_/methods/{method}.py`` directly: every key and
    value (hence the same fingerprint), the distiller's dicts in the same
    order."""
    source = GEN.pair_config(bench.method, bench.teacher, bench.student,
                             standalone=True)
    path = tmp_path / Path(bench.path).name
    # from tmp_path, as if it were in BENCH (teacher weights included)
    path.write_text(source.replace("'./_base_/", f"'{BENCH}/_base_/").replace(
        '{{ fileDirname }}', str(Path(bench.path).parent)))
    composed, derived = Config.fromfile(str(path)), _load(bench.path)
    assert derived.to_dict() == composed.to_dict()
    for key in ('student_recorders', 'teacher_recorders', 'connectors',
                'distill_losses', 'loss_forward_mappings'):
        assert list(derived.model.distiller[key]) == list(
            composed.model.distiller[key]), key
    for key in RUN_KEYS:
        if key != 'model' and key in composed:
            assert _ordered(derived[key]) == _ordered(composed[key]), key


CIFAR10_CLASSES = ('airplane', 'automobile', 'bird', 'cat', 'deer', 'dog',
                   'frog', 'horse', 'ship', 'truck')


def test_committed_rows_keep_their_fingerprint(tmp_path, monkeypatch):
    """Every committed row is reused by a re-run: its fingerprint is the
    one the driver computes from today's config (configs resolved as the
    driver does, with the row's seed, settings and teacher hash; the data
    folders faked with CIFAR-10's class names and 500 images per class)."""
    for split, per_class in (('train', 500), ('val', 1)):
        for cls in CIFAR10_CLASSES:
            folder = tmp_path / 'data' / 'cifar10-jpeg' / split / cls
            folder.mkdir(parents=True)
            for i in range(per_class):
                (folder / f'{i}.jpg').touch()
    monkeypatch.chdir(tmp_path)  # the configs' relative data roots
    with open(RESULTS_JSON) as f:
        rows = json.load(f)['runs']
    assert len(rows) >= 150 and all(r['config'] for r in rows)
    loaded = {}
    for row in rows:
        settings = row['settings']
        assert settings['data']['dataset'] == 'folder' and not any(
            settings[k] for k in ('cfg_options', 'epochs', 'train_per_class',
                                  'teacher_epochs', 'teacher_train_per_class'
                                  )), 'a row of other settings: extend me'
        teacher = row['method'] == 'teacher'
        distill = not teacher and row['method'] != 'scratch'
        if row['config'] not in loaded:
            loaded[row['config']] = load_bench_config(
                str(CONFIGS.parent / row['config']), '', dataset='folder',
                seed=0, teacher_ckpt='teacher.pth' if distill else None)
            # the safety hooks run, and do not shape a result
            hooks = loaded[row['config']].default_hooks
            assert hooks.checkpoint.type == 'AtomicCheckpointHook'
            assert 'non_finite' in hooks and 'work_dir_lock' in hooks
            shaping = shaping_config(loaded[row['config']], 'x')
            assert 'non_finite' not in shaping['default_hooks']
            assert 'work_dir_lock' not in shaping['default_hooks']
        cfg = copy.deepcopy(loaded[row['config']])
        cfg.randomness.seed = row['seed']
        context = dict(numerics=settings['numerics'],
                       data=class_context(cfg))
        sha = row['teacher_sha256']
        if teacher:  # shipped weights, tested: they shape the row
            fingerprint = stable_hash(dict(
                run=run_fingerprint(cfg, None, context), weights=sha), 16)
        else:
            fingerprint = run_fingerprint(cfg, sha if distill else None,
                                          context)
        assert fingerprint == row['fingerprint'], (
            f"{row['config']} seed {row['seed']}: today's config no longer "
            f'gives the committed row\'s fingerprint, so a re-run would '
            f'train it again; undo the change, or re-run the benchmark and '
            f'commit its results.json to {RESULTS_JSON.parent}')


def _run_part(cfg):
    """The Runner-relevant part of a config, distiller removed."""
    run = {k: copy.deepcopy(cfg[k]) for k in RUN_KEYS if k in cfg}
    return run


@pytest.mark.parametrize('pair', GEN.PAIRS, ids='_'.join)
def test_methods_differ_only_in_the_distiller(pair):
    configs = {c.method: _load(c.path) for c in STUDENTS
               if (c.teacher, c.student) == pair}
    scratch = _run_part(configs.pop('scratch'))
    reference = _run_part(configs['kd'])
    for method, cfg in configs.items():
        run = _run_part(cfg)
        model = run.pop('model')
        assert model.type == 'FrozenTeacherDistill', method
        assert model.distiller.type == 'CheckedDistiller', method
        assert model.architecture == scratch['model'], method
        assert model.teacher == reference['model'].teacher, method
        assert model.teacher_ckpt == reference['model'].teacher_ckpt
        assert set(model) == {'_scope_', 'type', 'architecture', 'teacher',
                              'teacher_ckpt', 'distiller'}, method
        if method == 'crd':
            crd = run.pop('train_dataloader')
            plain = copy.deepcopy(scratch['train_dataloader'])
            assert crd.dataset.type == 'mmrazor.CRDDataset'
            inner = crd.dataset.dataset
            assert inner.pipeline[-1] == dict(type='PackCRDInputs')
            assert inner.pipeline[:-1] == plain.dataset.pipeline[:-1]
            assert plain.dataset.pipeline[-1] == dict(type='PackInputs')
            inner.pipeline, plain.dataset.pipeline = [], []
            assert inner == plain.dataset
            crd.pop('dataset'), plain.pop('dataset')
            assert crd == plain
            run['train_dataloader'] = scratch['train_dataloader']
        rest = {k: v for k, v in scratch.items() if k != 'model'}
        assert run == rest, method


def test_ablations_change_one_lfcc_choice():
    cfgs = {c.method: _load(c.path).model.distiller for c in STUDENTS
            if (c.teacher, c.student) == ('vit-s', 'res18-w16')
            and c.method != 'scratch'}
    lfcc = cfgs['lfcc']
    # the default: cls token as the 1x1 scale, weight 0.5 (LFCCConnector's
    # other defaults)
    for connector in lfcc.connectors.values():
        assert connector.global_token is True
        assert connector.get('scales') is None
    assert {loss.loss_weight for loss in lfcc.distill_losses.values()} == {
        0.5}
    for method, key, value in (('lfcc_s1', 'scales', (1, )),
                               ('lfcc_s4', 'scales', (4, )),
                               ('lfcc_dct', 'filter', 'dct'),
                               ('lfcc_nonorm', 'norm', False),
                               ('lfcc_d32', 'embed_dim', 32),
                               ('lfcc_s12', 'scales', (1, 2)),
                               ('lfcc_mlp', 'hidden_dim', 512)):
        d = cfgs[method]
        for name, connector in d.connectors.items():
            assert connector[key] == value, (method, name)
            assert {k: v for k, v in connector.items() if k != key} == \
                lfcc.connectors[name], (method, name)
        assert d.distill_losses == lfcc.distill_losses, method
    for method, key, value in (('lfcc_tau05', 'tau', 0.5),
                               ('lfcc_tau005', 'tau', 0.05),
                               ('lfcc_sym', 'symmetric', True),
                               ('lfcc_queue', 'queue_size', 1024),
                               ('lfcc_w2', 'loss_weight', 2.0),
                               ('lfcc_w1', 'loss_weight', 1.0)):
        d = cfgs[method]
        assert d.connectors == lfcc.connectors, method
        for name, loss in d.distill_losses.items():
            assert loss[key] == value, (method, name)
            assert {k: v for k, v in loss.items() if k != key} == \
                {k: v for k, v in lfcc.distill_losses[name].items()
                 if k != key}, (method, name)
    # lfcc_last: lfcc's own last-stage connectors and loss, nothing else
    # (it once restated them and kept the earlier default's values)
    assert cfgs['lfcc_last'].connectors == {
        k: lfcc.connectors[k] for k in ('s_last', 't_last')}
    assert cfgs['lfcc_last'].distill_losses == {
        'loss_lfcc_last': lfcc.distill_losses.loss_lfcc_last}
    kd = set(cfgs['lfcc_kd'].distill_losses)
    assert kd == {'loss_lfcc_mid', 'loss_lfcc_last', 'loss_kd'}
    # lfcc_nocls: the connectors without global_token (the class default,
    # False), exactly the earlier default's, so its rows keep their
    # fingerprint
    nocls = cfgs['lfcc_nocls']
    for name, connector in nocls.connectors.items():
        assert 'global_token' not in connector, name
        assert dict(connector, global_token=True) == lfcc.connectors[name]
    assert nocls.distill_losses == lfcc.distill_losses
    # lfcc_nocls_w1: lfcc_nocls's connectors, lfcc_w1's losses
    assert cfgs['lfcc_nocls_w1'].connectors == nocls.connectors
    assert cfgs['lfcc_nocls_w1'].distill_losses == \
        cfgs['lfcc_w1'].distill_losses
    # lfcc_kd_w1 / lfcc_kd_nocls_w1: the same two steps from lfcc_kd
    kd_w1 = cfgs['lfcc_kd_w1']
    assert kd_w1.connectors == lfcc.connectors
    assert kd_w1.distill_losses == dict(
        cfgs['lfcc_w1'].distill_losses,
        loss_kd=cfgs['lfcc_kd'].distill_losses.loss_kd)
    assert cfgs['lfcc_kd_nocls_w1'].connectors == nocls.connectors
    assert cfgs['lfcc_kd_nocls_w1'].distill_losses == kd_w1.distill_losses


def test_teachers_get_the_larger_budget():
    student = _load(str(BENCH / 'scratch_vit-s_res18-w16_cifar10.py'))
    s_epochs = student.train_cfg.max_epochs
    assert student.train_dataloader.dataset.max_per_class == 500
    for teacher in TEACHERS:
        cfg = _load(teacher.path)
        assert cfg.train_dataloader.dataset.max_per_class is None
        # all 4,500 images per class instead of 500: >= 9x the images and
        # more epochs, >= 13.5x the student's image-steps
        assert cfg.train_cfg.max_epochs * 9 >= 13.5 * s_epochs
        assert cfg.model.backbone.type in FAMILY
        for key in ('optim_wrapper', 'data_preprocessor', 'val_dataloader'):
            assert cfg[key] == student[key], key
        # the shipped weights of this teacher config, named relative to
        # the pair config (resolved to an absolute path when loaded)
        ckpt = CONFIGS.parent / 'checkpoints' / 'benchmark' / 'cifar10' / \
            f'{Path(teacher.path).stem}.pth'
        for c in STUDENTS:
            if c.teacher == teacher.teacher and c.method != 'scratch':
                named = _load(c.path).model.teacher_ckpt
                assert Path(named).is_absolute(), c.path
                assert Path(named).resolve() == ckpt.resolve(), c.path


@pytest.mark.parametrize('teacher', TEACHERS, ids=lambda c: c.teacher)
def test_shipped_teacher_weights_load_strictly(teacher):
    """The weights the pair configs point at fit their teacher config."""
    from lfcc_mm.checkpoint import load_weights_from
    ckpt = CONFIGS.parent / 'checkpoints' / 'benchmark' / 'cifar10' / \
        f'{Path(teacher.path).stem}.pth'
    init_default_scope('mmpretrain')
    model = MODELS.build(_load(teacher.path).model)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    load_weights_from(model, str(ckpt), 'shipped teacher')  # strict
    changed = [k for k, v in model.state_dict().items()
               if v.is_floating_point() and not torch.equal(v, before[k])]
    assert len(changed) > len(before) // 2


# ---- every config trains one step ------------------------------------------


#: Every config trains a step, except that an ablation (a pair's ``lfcc``
#: config with one value changed, checked above to resolve exactly so) does
#: on one pair only (ViT tokens -> CNN maps): its other pairs run the same
#: modules on the same taps
#: as their own ``lfcc`` config, which trains here.
STEP_GRID = [c for c in GRID
             if c.method in ('teacher', 'lfcc_kd')
             or not GEN.parent_method(c.method)
             or (c.teacher, c.student) == ('vit-s', 'res18-w16')]


@pytest.mark.parametrize('bench', STEP_GRID, ids=lambda c: Path(c.path).stem)
def test_config_trains_one_step_on_a_class_folder(bench, folder,
                                                  teacher_ckpts, tmp_path):
    ckpt = teacher_ckpts[bench.teacher] if bench.method not in (
        'teacher', 'scratch') else None
    cfg = _tiny(load_bench_config(
        bench.path, work_dir=str(tmp_path), teacher_ckpt=ckpt,
        train_root=folder, test_root=folder))
    assert cfg.train_dataloader.drop_last is True
    _check_step(cfg, *_one_step(cfg), bench.path)


# Each dataset once with CRD's wrapper, and with the other connectors.
@pytest.mark.parametrize('dataset, method', [
    ('cifar10', 'crd'), ('cifar10', 'fitnet'), ('cifar100', 'crd'),
    ('cifar100', 'ofa'), ('cifar100', 'lfcc_kd')])
def test_config_trains_one_step_on_cifar_pickles(dataset, method,
                                                 fake_cifar, teacher_ckpts,
                                                 tmp_path):
    path = str(BENCH / f'{method}_res18-w32_vit-t_cifar10.py')
    num_classes = 10 if dataset == 'cifar10' else 100
    teacher = _load(str(BENCH / 'teachers' / 'res18-w32_cifar10.py'))
    ckpt = tmp_path / 'teacher.pth'
    init_default_scope('mmpretrain')
    model = copy.deepcopy(teacher.model)
    model.head.num_classes = num_classes
    torch.save({'state_dict': MODELS.build(model).state_dict()}, ckpt)

    cfg = _tiny(load_bench_config(
        path, work_dir=str(tmp_path), dataset=dataset,
        data_root=fake_cifar[dataset], teacher_ckpt=str(ckpt),
        train_per_class=2 if dataset == 'cifar10' else 1))
    # CIFAR-10: the first 2 images of each class (labels alternate 0 / 1);
    # CIFAR-100: the first image of each of the 100 classes.
    indices = [0, 1, 2, 3] if dataset == 'cifar10' else list(range(100))
    train = cfg.train_dataloader.dataset
    if method == 'crd':  # the wrapper and its packing survive the swap
        assert train.type == 'mmrazor.CRDDataset'
        train = train.dataset
        assert train.pipeline[-1].type == 'PackCRDInputs'
        # The memory has one row per training image.
        assert cfg.model.distiller.distill_losses.loss_crd.sample_n == len(
            indices)
    assert train.type == dataset.upper()
    assert 'LoadImageFromFile' not in [t.type for t in train.pipeline]
    assert cfg.data_preprocessor.to_rgb is False
    assert cfg.data_preprocessor.num_classes == num_classes
    assert cfg.model.architecture.head.num_classes == num_classes
    assert train.indices == indices
    assert cfg.val_dataloader.dataset.split == 'test'
    losses, model, got_grad, before = _one_step(cfg)
    _check_step(cfg, losses, model, got_grad, before, f'{method} {dataset}')
    heads = 0
    for name, module in model.named_modules():
        if name.endswith(('architecture.head', 'connectors.s_mid',
                          'connectors.s_last')) and hasattr(
                              module, 'num_classes'):
            assert module.num_classes == num_classes, name
            heads += 1
    assert heads == (3 if method == 'ofa' else 1)


@pytest.mark.slow
def test_teacher_then_crd_student_through_the_runner(folder, tmp_path):
    """The documented chain: train a teacher config, then a student config
    whose ``teacher_ckpt`` is the teacher's last checkpoint."""
    teacher = _tiny(load_bench_config(
        str(BENCH / 'teachers' / 'res18-w32_cifar10.py'),
        work_dir=str(tmp_path / 'teacher'), train_root=folder,
        test_root=folder, epochs=1, seed=3))
    teacher.default_hooks.logger.interval = 1
    Runner.from_cfg(teacher).train()
    ckpt = tmp_path / 'teacher' / 'epoch_1.pth'
    assert ckpt.is_file()

    student = _tiny(load_bench_config(
        str(BENCH / 'crd_res18-w32_vit-t_cifar10.py'),
        work_dir=str(tmp_path / 'student'), train_root=folder,
        test_root=folder, epochs=1, teacher_ckpt=str(ckpt)))
    student.default_hooks.logger.interval = 1
    runner = Runner.from_cfg(student)
    runner.train()
    assert (tmp_path / 'student' / 'epoch_1.pth').is_file()
    metrics = runner.val_loop.run()
    assert 0 <= metrics['accuracy/top1'] <= 100
    memory = runner.model.distiller.distill_losses.loss_crd.contrast
    assert memory.memory_v1.shape == (4, 128)
    # The teacher inside the student run is the trained teacher.
    trained = torch.load(ckpt, map_location='cpu')['state_dict']
    own = runner.model.teacher.state_dict()
    assert all(torch.equal(own[k], v) for k, v in trained.items())


# ---- the driver's helper ---------------------------------------------------


def test_load_bench_config_injects_the_run_settings(folder, tmp_path):
    path = str(BENCH / 'lfcc_vit-s_res18-w16_cifar10.py')
    cfg = load_bench_config(
        path, work_dir=str(tmp_path), seed=7, teacher_ckpt='t.pth',
        train_root=folder, test_root=str(tmp_path / 'test'),
        cfg_options={'train_dataloader.batch_size': 8})
    assert cfg.work_dir == str(tmp_path)
    assert cfg.randomness.seed == 7
    assert cfg.model.teacher_ckpt == 't.pth'
    assert cfg.train_dataloader.dataset.data_root == folder
    assert cfg.val_dataloader.dataset.data_root == str(tmp_path / 'test')
    assert cfg.test_dataloader.dataset.data_root == str(tmp_path / 'test')
    assert cfg.train_dataloader.dataset.max_per_class == 500  # kept
    assert cfg.train_dataloader.batch_size == 8
    assert _load(path).train_cfg.max_epochs == 4  # file untouched

    one = load_bench_config(path, work_dir='w', epochs=1,
                            train_per_class=None)
    assert one.train_dataloader.dataset.max_per_class is None
    assert [s.type for s in one.param_scheduler] == ['CosineAnnealingLR']
    assert one.param_scheduler[0].begin == 0
    three = load_bench_config(path, work_dir='w', epochs=3)
    assert [(s.type, s.begin, s.end) for s in three.param_scheduler] == [
        ('LinearLR', 0, 1), ('CosineAnnealingLR', 1, 3)]
    assert three.param_scheduler[1].T_max == 2
    assert three.train_cfg.max_epochs == three.train_cfg.val_interval == 3
    # At the config's own length the schedule is the config's.
    four = load_bench_config(path, work_dir='w', epochs=4)
    assert four.param_scheduler == _load(path).param_scheduler


@pytest.mark.parametrize('kwargs, message', [
    (dict(config='nope.py'), 'does not exist'),
    (dict(teacher_ckpt='t.pth'), 'has no teacher'),
    (dict(dataset='imagenet'), "dataset 'imagenet' is not one of"),
    (dict(data_root='d'), 'data_root is for CIFAR'),
    (dict(dataset='cifar10', train_root='d'), 'train_root / test_root'),
    (dict(epochs=0), 'epochs must be'),
    (dict(train_per_class=0), 'train_per_class must be'),
])
def test_load_bench_config_rejects_bad_input(kwargs, message):
    scratch = str(BENCH / 'scratch_vit-s_res18-w16_cifar10.py')
    kwargs = dict(dict(config=scratch, work_dir='w'), **kwargs)
    with pytest.raises(UserError, match=message):
        load_bench_config(**kwargs)


def test_crd_rejects_a_training_set_with_unequal_classes(tmp_path):
    root = _write_images(tmp_path / 'uneven', per_class=1)
    _write_images(tmp_path / 'extra', classes=('a', ), per_class=1)
    (tmp_path / 'extra' / 'a' / '0.png').rename(
        Path(root) / 'a' / '1.png')
    path = str(BENCH / 'crd_vit-s_res18-w16_cifar10.py')
    with pytest.raises(UserError, match='1 to 2 per class over 2 labels'):
        load_bench_config(path, work_dir='w', train_root=root)


def test_find_bench_configs_parses_method_teacher_student(tmp_path):
    (tmp_path / 'teachers').mkdir()
    for name in ('teachers/vit-s_cifar10.py', 'lfcc_kd_vit-s_res18-w16_'
                 'cifar10.py', 'kd_vit-s_res18-w16_cifar10.py'):
        (tmp_path / name).write_text('')
    assert [(c.method, c.teacher, c.student, c.dataset)
            for c in find_bench_configs(str(tmp_path))] == [
                ('teacher', 'vit-s', None, 'cifar10'),
                ('kd', 'vit-s', 'res18-w16', 'cifar10'),
                ('lfcc_kd', 'vit-s', 'res18-w16', 'cifar10')]
    assert isinstance(GRID[0], BenchConfig)
