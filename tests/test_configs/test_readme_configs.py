"""READMEs only point at configs and scripts that exist, in valid bash.

For every ``README*.md`` of the repository (root, ``configs/**``, ``tools/``,
...): each ``configs/...py`` path it mentions must exist, each fenced
``bash`` / ``sh`` block must pass ``bash -n``, and each script a command runs
(``bash X.sh``, ``python X.py``, ``tools/dist_train.sh ...``) must exist.
"""
import os
import re
import shlex
import subprocess
from pathlib import Path
from typing import List

import pytest

from .config_helpers import REPO

CONFIG_REF = re.compile(r'(?<![\w./-])(configs/[\w./-]*?\.py)(?!\w)')
BASH_BLOCK = re.compile(r'^```(?:bash|sh|shell)[^\n]*\n(.*?)^```',
                        re.DOTALL | re.MULTILINE)
SKIP_DIRS = {'work_dirs', 'data', 'node_modules', '__pycache__'}
RUNNERS = {'bash', 'sh', 'source', '.', 'python', 'python3'}


def find_readmes(root: Path) -> List[Path]:
    """Every ``README*.md`` under ``root``, skipping hidden and data dirs.

    Args:
        root (Path): Repository root.

    Returns:
        list[Path]: Sorted README paths.
    """
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [
            d for d in dirnames if not d.startswith('.') and d not in SKIP_DIRS
        ]
        found += [
            Path(dirpath) / f for f in filenames
            if f.startswith('README') and f.endswith('.md')
        ]
    return sorted(found)


def called_scripts(block: str) -> List[str]:
    """Relative script paths that the commands of a bash block run.

    Args:
        block (str): The text of one fenced bash block.

    Returns:
        list[str]: e.g. ``['scripts/test.sh', 'tools/train.py']``.
    """
    scripts = []
    for line in block.replace('\\\n', ' ').splitlines():
        for command in re.split(r'&&|\|\||;|\|', line.split(' #')[0]):
            try:
                tokens = shlex.split(command, comments=True)
            except ValueError:
                continue  # bash -n reports the syntax error
            while tokens and re.fullmatch(r'\w+=\S*', tokens[0]):
                tokens.pop(0)  # FOO=bar cmd ...
            if not tokens:
                continue
            if tokens[0] in RUNNERS:
                args = [t for t in tokens[1:] if not t.startswith('-')]
                if '-m' in tokens[1:] or not args:
                    continue
                target = args[0]
            else:
                target = tokens[0]
            if ('/' in target and not target.startswith(('/', '~', '$'))
                    and target.endswith(('.sh', '.py'))):
                scripts.append(
                    target[2:] if target.startswith('./') else target)
    return scripts


def readme_problems(readme: Path, root: Path) -> List[str]:
    """Everything wrong with one README, one line per problem.

    Args:
        readme (Path): The README.
        root (Path): Repository root (paths are relative to it).

    Returns:
        list[str]: Empty when the README is consistent with the tree.
    """
    text = readme.read_text(encoding='utf-8')
    where = readme.relative_to(root)
    problems = [
        f'{where}: config {ref} does not exist'
        for ref in sorted(set(CONFIG_REF.findall(text)))
        if not (root / ref).is_file()
    ]
    for i, block in enumerate(BASH_BLOCK.findall(text)):
        check = subprocess.run(['bash', '-n'],
                               input=block,
                               text=True,
                               capture_output=True)
        if check.returncode:
            problems.append(f'{where}: bash block {i} does not parse: '
                            f'{check.stderr.strip()}')
        problems += [
            f'{where}: bash block {i} runs {script}, which does '
            'not exist' for script in called_scripts(block)
            if not (root / script).is_file()
        ]
    return problems


@pytest.mark.parametrize(
    'readme', find_readmes(REPO), ids=lambda p: str(p.relative_to(REPO)))
def test_readme_points_at_existing_configs_and_valid_commands(readme):
    assert readme_problems(readme, REPO) == []


def test_repository_has_a_readme():
    assert REPO / 'README.md' in find_readmes(REPO)


def test_checker_reports_each_kind_of_problem(tmp_path):
    (tmp_path / 'configs' / 'lfcc').mkdir(parents=True)
    (tmp_path / 'configs' / 'lfcc' / 'real.py').write_text('')
    (tmp_path / 'tools').mkdir()
    (tmp_path / 'tools' / 'dist_train.sh').write_text('')
    (tmp_path / 'README.md').write_text(
        'Train with `configs/lfcc/real.py` or configs/lfcc/missing.py.\n\n'
        '```bash\n'
        'tools/dist_train.sh configs/lfcc/real.py 8\n'
        'CUDA_VISIBLE_DEVICES=0 python tools/train.py configs/lfcc/real.py\n'
        'bash scripts/gone.sh && pip install -e .\n'
        '```\n\n'
        '```bash\n'
        'if true; then echo unbalanced\n'
        '```\n')
    problems = readme_problems(tmp_path / 'README.md', tmp_path)
    assert problems[:3] == [
        'README.md: config configs/lfcc/missing.py does not exist',
        'README.md: bash block 0 runs tools/train.py, which does not exist',
        'README.md: bash block 0 runs scripts/gone.sh, which does not exist',
    ]
    assert len(problems) == 4
    assert problems[3].startswith('README.md: bash block 1 does not parse: ')
    assert 'unexpected end of file' in problems[3]
