"""The package's architecture, read from its source (no import needed).

- no import cycle between lfcc_mm modules (lazy imports inside functions
  count: they only hide a cycle until the function runs);
- the layers (see :mod:`lfcc_mm.cli`): ``errors`` and ``fileio`` import
  nothing of lfcc_mm; models, datasets, engine, checkpoint and compat never
  import the command-line layer ``lfcc_mm.cli``;
- the installed package is self-contained: it imports neither the benchmark
  tooling (``lfcc_bench``) nor ``tools``, and no path is computed above the
  package folder (the source checkout is not there once installed).
"""
from __future__ import annotations

import ast
import os.path as osp
from pathlib import Path
from typing import Dict, List, Optional, Set

import pytest

PACKAGE = 'lfcc_mm'
PACKAGE_DIR = Path(__file__).resolve().parents[1] / PACKAGE
BOTTOM = ('lfcc_mm.errors', 'lfcc_mm.fileio')
CLI = 'lfcc_mm.cli'
BELOW_CLI = ('lfcc_mm.models', 'lfcc_mm.datasets', 'lfcc_mm.engine',
             'lfcc_mm.checkpoint', 'lfcc_mm.compat', 'lfcc_mm.errors',
             'lfcc_mm.fileio')
OUTSIDE = ('lfcc_bench', 'tools')


def module_name(path: Path, root: Path = PACKAGE_DIR) -> str:
    """``lfcc_mm/models/__init__.py`` -> ``lfcc_mm.models``."""
    parts = list(path.relative_to(root.parent).with_suffix('').parts)
    if parts[-1] == '__init__':
        parts.pop()
    return '.'.join(parts)


def package_files(root: Path = PACKAGE_DIR) -> Dict[str, Path]:
    """Every module of the package by dotted name (``.mim`` excluded)."""
    return {
        module_name(p, root): p
        for p in sorted(root.rglob('*.py')) if '.mim' not in p.parts
    }


def imported_names(path: Path, name: str) -> List[str]:
    """Absolute dotted names of all imports in ``path`` (any depth).

    ``from a.b import c`` gives ``a.b`` and ``a.b.c`` (``c`` may be a
    submodule); relative imports are resolved against ``name``.
    """
    tree = ast.parse(path.read_text(encoding='utf-8'), str(path))
    is_package = path.name == '__init__.py'
    out: List[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split('.')
                drop = node.level - 1 if is_package else node.level
                base = base[:len(base) - drop] if drop else base
                module = '.'.join(base + ([node.module]
                                          if node.module else []))
            else:
                module = node.module or ''
            out.append(module)
            out += [f'{module}.{alias.name}' for alias in node.names]
    return out


def import_graph(root: Path = PACKAGE_DIR) -> Dict[str, Set[str]]:
    """``module -> modules of the package it imports``."""
    files = package_files(root)
    graph: Dict[str, Set[str]] = {}
    for name, path in files.items():
        graph[name] = {
            target
            for target in imported_names(path, name)
            if target in files and target != name
        }
    return graph


def find_cycle(graph: Dict[str, Set[str]]) -> Optional[List[str]]:
    """One import cycle as ``[a, b, ..., a]``, or None."""
    state: Dict[str, int] = {}  # 1: on the stack, 2: done
    stack: List[str] = []

    def visit(node: str) -> Optional[List[str]]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def within(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + '.') for p in prefixes)


@pytest.fixture(scope='module')
def graph() -> Dict[str, Set[str]]:
    return import_graph()


def test_the_graph_sees_the_package(graph):
    # Guards the checks below against a parser that finds nothing.
    assert {'lfcc_mm.errors', 'lfcc_mm.fileio', 'lfcc_mm.cli.runner',
            'lfcc_mm.models.algorithms.frozen_teacher_distill'} <= set(graph)
    assert 'lfcc_mm.errors' in graph['lfcc_mm.checkpoint']
    assert 'lfcc_mm.checkpoint' in graph[
        'lfcc_mm.models.algorithms.frozen_teacher_distill']


def test_no_import_cycle(graph):
    cycle = find_cycle(graph)
    assert cycle is None, 'import cycle: ' + ' -> '.join(cycle)


def test_find_cycle_names_a_cycle():
    graph = dict(a={'b'}, b={'c'}, c={'a'}, d=set())
    assert find_cycle(graph) == ['a', 'b', 'c', 'a']
    assert find_cycle(dict(a={'b'}, b=set())) is None


def test_relative_imports_resolve(tmp_path):
    pkg = tmp_path / 'pkg'
    (pkg / 'sub').mkdir(parents=True)
    (pkg / '__init__.py').write_text('from . import sub\n')
    (pkg / 'base.py').write_text('')
    (pkg / 'sub' / '__init__.py').write_text('from .mod import x\n')
    (pkg / 'sub' / 'mod.py').write_text(
        'def f():\n    from ..base import y\n')
    graph = import_graph(pkg)
    assert graph == {
        'pkg': {'pkg.sub'}, 'pkg.base': set(), 'pkg.sub': {'pkg.sub.mod'},
        'pkg.sub.mod': {'pkg.base'}}


def test_bottom_layer_imports_nothing_of_the_package():
    files = package_files()
    for name in BOTTOM:
        ours = [m for m in imported_names(files[name], name)
                if within(m, (PACKAGE, ))]
        assert not ours, f'{name} (bottom layer) imports {ours}'


def test_lower_layers_never_import_the_cli(graph):
    bad = sorted(f'{name} -> {target}' for name, targets in graph.items()
                 if within(name, BELOW_CLI) for target in targets
                 if within(target, (CLI, )))
    assert not bad, 'the command-line layer is imported from below: ' + \
        ', '.join(bad)


def test_package_imports_no_tooling_of_the_checkout():
    bad = []
    for name, path in package_files().items():
        for target in imported_names(path, name):
            if within(target, OUTSIDE):
                bad.append(f'{name} imports {target}')
    assert not bad, '; '.join(bad)


def _dirname_depth(node: ast.AST) -> Optional[int]:
    """How many ``dirname`` calls wrap ``__file__`` in ``node``, if any."""
    depth = 0
    while isinstance(node, ast.Call) and node.args:
        func = node.func
        fname = getattr(func, 'attr', getattr(func, 'id', ''))
        if fname == 'dirname':
            depth += 1
        elif fname not in ('abspath', 'realpath', 'normpath'):
            return None
        node = node.args[0]
    if isinstance(node, ast.Name) and node.id == '__file__':
        return depth
    return None


def paths_above_package(source: str, name: str, levels: int) -> List[str]:
    """Expressions of ``source`` that climb from ``__file__`` out of lfcc_mm.

    Args:
        source (str): A module's code.
        name (str): Its name, for the messages.
        levels (int): How deep the module is below the package folder
            (``lfcc_mm/x.py``: 1); one ``dirname`` of ``__file__`` gives the
            module's folder, ``levels`` of them the package folder.
    """
    tree = ast.parse(source, name)
    found = []
    for node in ast.walk(tree):
        text = ast.unparse(node)
        depth = _dirname_depth(node)
        if depth is not None and depth > levels:
            found.append(f'{name}:{node.lineno}: {text}')
        # pathlib: Path(__file__).parents[k]
        if isinstance(node, ast.Subscript) and isinstance(
                node.value, ast.Attribute) and node.value.attr == 'parents' \
                and '__file__' in text and isinstance(node.slice,
                                                      ast.Constant) \
                and node.slice.value + 1 > levels:
            found.append(f'{name}:{node.lineno}: {text}')
        if isinstance(node, ast.Constant) and node.value in ('..', '../'):
            found.append(f"{name}:{node.lineno}: '..'")
    return found


def test_package_does_not_look_for_the_checkout():
    found = []
    for name, path in package_files().items():
        levels = len(path.relative_to(PACKAGE_DIR).parts)
        found += paths_above_package(path.read_text(encoding='utf-8'), name,
                                     levels)
    assert not found, 'paths above the package: ' + '; '.join(found)


def test_the_checkout_path_detector():
    source = ('import os.path as osp\nfrom pathlib import Path\n'
              'OK = osp.dirname(osp.dirname(osp.abspath(__file__)))\n'
              'BAD = osp.dirname(osp.dirname(osp.dirname(__file__)))\n'
              'BAD2 = Path(__file__).resolve().parents[2]\n'
              'OK2 = Path(__file__).resolve().parents[1]\n'
              "BAD3 = osp.join(osp.dirname(__file__), '..')\n")
    # As if it were lfcc_mm/engine/x.py: two levels below the package.
    found = paths_above_package(source, 'x', levels=2)
    assert [int(f.split(':')[1]) for f in found] == [4, 5, 7]


def test_bench_tooling_is_not_installed():
    setup = (PACKAGE_DIR.parent / 'setup.py').read_text()
    assert "find_packages(include=['lfcc_mm', 'lfcc_mm.*'])" in setup
    assert not (PACKAGE_DIR / 'bench').exists()
    assert not (PACKAGE_DIR / 'analysis').exists()
    assert osp.isdir(PACKAGE_DIR.parent / 'lfcc_bench')
