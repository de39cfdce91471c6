"""Every distillation config's student has a config of its own.

The metafile names it (``Metadata.Student.Config``, as MMRazor's do), and
that config builds the very model the distillation trains: the same
state-dict keys and shapes as ``model.architecture``.
"""
import json
from functools import lru_cache
from pathlib import Path

import pytest
import yaml
from mmengine.config import Config

import lfcc_mm  # noqa: F401
from lfcc_mm.apis import student_config, student_model_cfg

REPO = Path(__file__).resolve().parents[2]
METAFILE = REPO / 'configs' / 'lfcc' / 'metafile.yml'
ROWS = [m for m in yaml.safe_load(METAFILE.read_text())['Models']]


def _path(name: str) -> str:
    return name if '::' in name else str(REPO / name)


@lru_cache(maxsize=None)
def _shapes(model_repr: str):
    """State-dict keys and shapes of a model dict (built once per model)."""
    from mmengine.registry import DefaultScope
    from mmpretrain.registry import MODELS
    model = eval(model_repr)  # noqa: S307 - our own repr of a plain dict
    model.pop('data_preprocessor', None)
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        built = MODELS.build(model)
    return {k: tuple(v.shape) for k, v in built.state_dict().items()}


def _head_free(model: dict) -> str:
    """A model dict without what does not change the weights (the loss,
    the registry scope it is named in)."""
    import copy
    model = copy.deepcopy(model)
    model.get('head', {}).pop('loss', None)
    model.pop('data_preprocessor', None)
    model.pop('init_cfg', None)
    model.pop('_scope_', None)
    return json.dumps(model, sort_keys=True, default=repr)  # key order free


@pytest.mark.parametrize('row', ROWS, ids=[r['Name'] for r in ROWS])
def test_metafile_student_config_builds_the_architecture(row):
    student = row['Metadata']['Student']['Config']
    assert student, f"{row['Name']}: Metadata.Student.Config is empty"
    arch = student_model_cfg(
        Config.fromfile(str(REPO / row['Config'])).model.architecture)
    named = student_config(_path(student)).model
    assert 'architecture' not in named
    assert _shapes(repr(named.to_dict())) == _shapes(repr(arch.to_dict()))
    teacher = row['Metadata']['Teacher']
    if teacher is None:  # a from-scratch row: the reference of the deltas
        assert row['Config'].startswith('configs/baselines/scratch/')
        return
    assert Path(_path(teacher['Config'])).is_file() or \
        '::' in teacher['Config']


# Aliases of a metafile config (same model), e.g. for the README command.
ALIASES = {'configs/lfcc/vit_res18_in1k.py'}


def test_every_lfcc_config_is_in_the_metafile():
    named = {r['Config'] for r in ROWS} | ALIASES
    missing = [str(p.relative_to(REPO)) for p in
               (REPO / 'configs' / 'lfcc').glob('*.py')
               if Config.fromfile(str(p)).model.get('architecture')
               and str(p.relative_to(REPO)) not in named]
    assert not missing, f'no metafile row (with Student) for {missing}'


def test_every_baseline_has_a_shipped_student_config():
    """A baseline's student is one of the metafile's student configs."""
    known = {_head_free(student_config(_path(r['Metadata']['Student'][
        'Config'])).model.to_dict()) for r in ROWS}
    orphans = [p.name for p in
               (REPO / 'configs' / 'baselines').glob('*/*.py')
               if _head_free(student_model_cfg(Config.fromfile(str(
                   p)).model.architecture).to_dict()) not in known]
    assert not orphans, f'students with no student config: {orphans}'
