"""One registry name per lfcc_mm model class; aliases only where configs
use them."""
import os.path as osp
import re
from glob import glob

import lfcc_mm  # noqa: F401  (registers everything, compat shims first)
from mmrazor.registry import MODELS

from lfcc_mm.models import FrozenTeacherDistill

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
# An alias is a registered subclass that adds nothing to its parent: the
# name alone says which method a config runs. Each one is listed here with
# its parent and must be used by a shipped config.
ALIASES = {'LFCC': FrozenTeacherDistill}
# Class attributes every class has; anything else is a behaviour.
_EMPTY = {'__module__', '__qualname__', '__doc__', '__firstlineno__',
          '__static_attributes__', '__abstractmethods__', '_abc_impl'}


def _ours():
    """``{registered name: class}`` of every lfcc_mm class in MODELS."""
    return {name: cls for name, cls in MODELS.module_dict.items()
            if cls.__module__.split('.')[0] == 'lfcc_mm'}


def test_every_class_has_exactly_one_name():
    ours = _ours()
    assert ours  # the import above registered them
    for name, cls in ours.items():
        assert name == cls.__name__, (name, cls)
    classes = list(ours.values())
    assert len(set(classes)) == len(classes)


def test_aliases_are_exactly_the_listed_ones():
    aliases = {
        name: cls.__bases__[0]
        for name, cls in _ours().items()
        if len(cls.__bases__) == 1 and not set(vars(cls)) - _EMPTY
    }
    assert aliases == ALIASES


def test_each_alias_is_used_by_a_shipped_config():
    texts = [open(p).read() for p in glob(
        osp.join(REPO, 'configs', '**', '*.py'), recursive=True)]
    assert texts, 'no configs found under ' + REPO
    for alias in ALIASES:
        used = re.compile(r'''type\s*=\s*['"]%s['"]''' % alias)
        assert any(used.search(t) for t in texts), alias
