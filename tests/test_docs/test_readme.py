"""READMEs cannot drift from the code.

For every ``README*.md`` of the repository (root, ``configs/**``, ``tools/``,
...): each ``configs/...py`` path it mentions must exist, each fenced
``bash`` / ``sh`` block must pass ``bash -n``, each script a command runs
(``bash X.sh``, ``python X.py``, ``tools/dist_train.sh ...``) must exist,
every option a command passes must be one the script accepts, and every
script must be run by a named test (``EXERCISED_BY``). The README's two
set-up commands are run here (the quickstart) or by CI itself (the tests).
"""
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

REPO = Path(__file__).resolve().parents[2]

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


#: Every script a README runs -> the test file that runs it for real (on tiny
#: data). A new README command fails ``test_every_readme_script_is_exercised``
#: until a test runs it and is listed here.
EXERCISED_BY = {
    'scripts/quickstart.sh': 'tests/test_docs/test_readme.py',
    'tools/quickstart.py': 'tests/test_bench/test_tools_e2e.py',
    'scripts/test.sh': '.ci/run',
    'tools/train.py': 'tests/test_tools/test_train_tool.py',
    'tools/test.py': 'tests/test_tools/test_train_tool.py',
    'tools/dist_train.sh': 'tests/test_tools/test_dist_train.py',
    'tools/dist_test.sh': 'tests/test_tools/test_shell_scripts.py',
    'tools/model_converters/extract_student.py':
    'tests/test_tools/test_extract_student.py',
    'tools/model_converters/timm_upgrade.py':
    'tests/test_models/test_timm_checkpoint.py',
    'tools/benchmark/kd_bench.py': 'tests/test_bench/test_tools_e2e.py',
    'tools/benchmark/split_folder.py': 'tests/test_bench/test_split_folder.py',
    'tools/benchmark/overhead.py': 'tests/test_bench/test_overhead.py',
    'tools/benchmark/update_model_zoo.py':
    'tests/test_bench/test_model_zoo.py',
    'tools/analysis/feature_spectrum.py':
    'tests/test_analysis/test_feature_spectrum_tool.py',
}


def readme_commands() -> List[tuple]:
    """``(readme, script, option flags)`` of every README command.

    Returns:
        list[tuple]: One entry per script invocation.
    """
    found = []
    for readme in find_readmes(REPO):
        text = readme.read_text(encoding='utf-8')
        for block in BASH_BLOCK.findall(text):
            for line in block.replace('\\\n', ' ').splitlines():
                line = line.split(' #')[0]
                for script in called_scripts(line):
                    flags = re.findall(r'(?<=\s)(--[a-z][\w-]*)', line)
                    found.append((str(readme.relative_to(REPO)), script,
                                  tuple(flags)))
    return found


def test_every_readme_script_is_exercised():
    for readme, script, _ in readme_commands():
        assert script in EXERCISED_BY, (
            f'{readme} runs {script}, which no test exercises: add a test '
            'that runs it and list it in EXERCISED_BY')
        runner = REPO / EXERCISED_BY[script]
        assert runner.is_file()
        assert script.split('/')[-1] in runner.read_text(), (
            f'{runner} does not run {script}')


@pytest.mark.parametrize('readme, script, flags', [
    c for c in readme_commands() if c[1].endswith('.py') and c[2]
], ids=lambda v: v if isinstance(v, str) else None)
def test_readme_options_exist(readme, script, flags):
    """Each ``--option`` in a README command appears in the tool's help."""
    help_text = subprocess.run([sys.executable, script, '--help'], cwd=REPO,
                               capture_output=True, text=True, check=True,
                               env=dict(os.environ, OMP_NUM_THREADS='1'))
    for flag in flags:
        assert flag in help_text.stdout, f'{readme}: {script} has no {flag}'


def test_ci_runs_the_readme_test_command():
    readme = (REPO / 'README.md').read_text(encoding='utf-8')
    assert 'bash scripts/test.sh' in readme
    assert 'bash scripts/test.sh' in (REPO / '.ci' / 'run').read_text()


@pytest.mark.slow
def test_readme_quickstart_command_runs(tmp_path):
    """The README's main-job command, as written, in its quick mode."""
    work = tmp_path / 'quickstart'
    proc = subprocess.run(
        ['bash', 'scripts/quickstart.sh', '--quick', '--work-dir', str(work)],
        cwd=REPO, capture_output=True, text=True,
        env=dict(os.environ, OMP_NUM_THREADS='1'), timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert 'LFCC' in proc.stdout and (work / 'results.json').is_file()
