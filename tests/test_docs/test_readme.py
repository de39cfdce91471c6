"""READMEs and docs pages cannot drift from the code.

For every page of the repository's documentation (each ``README*.md``, root,
``configs/**``, ..., and every ``docs/**/*.md``): each ``configs/...py``
path it mentions must exist, each relative link must point at an existing
file (and a ``#heading`` of a Markdown file at an existing heading), each
fenced ``bash`` / ``sh`` block must pass ``bash -n``, each script a command
runs (``bash X.sh``, ``python X.py``, ``tools/dist_train.sh ...``) must
exist, every option a command passes must be one the script accepts, and
every script must be run by a named test (``EXERCISED_BY``). The README's
two set-up commands are run by ``tests/test_bench/test_tools_e2e.py`` (the
quickstart) or by CI itself (the tests); the README stays a short product page whose results are copied from
the committed benchmark table.
"""
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Set

import pytest

REPO = Path(__file__).resolve().parents[2]

CONFIG_REF = re.compile(r'(?<![\w./-])(configs/[\w./-]*?\.py)(?!\w)')
BASH_BLOCK = re.compile(r'^```(?:bash|sh|shell)[^\n]*\n(.*?)^```',
                        re.DOTALL | re.MULTILINE)
SKIP_DIRS = {'work_dirs', 'data', 'node_modules', '__pycache__'}
#: ``[text](target)`` and ``![alt](target)``, with an optional title.
LINK = re.compile(r'!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)')
FENCE = re.compile(r'^```.*?^```', re.DOTALL | re.MULTILINE)
INLINE_CODE = re.compile(r'`[^`\n]*`')
#: The README's commands: the two set-up commands and the mission command.
README_COMMANDS = ('bash scripts/quickstart.sh', 'bash scripts/test.sh',
                   'tools/dist_train.sh configs/lfcc/vit_res18_in1k.py 8')
README_MAX_LINES = 120
RUNNERS = {'bash', 'sh', 'source', '.', 'python', 'python3'}


def find_readmes(root: Path) -> List[Path]:
    """Every documentation page under ``root``: each ``README*.md`` and each
    ``docs/**/*.md``, skipping hidden and data dirs.

    Args:
        root (Path): Repository root.

    Returns:
        list[Path]: Sorted page paths.
    """
    found = []
    docs = root / 'docs'
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [
            d for d in dirnames if not d.startswith('.') and d not in SKIP_DIRS
        ]
        in_docs = Path(dirpath) == docs or docs in Path(dirpath).parents
        found += [
            Path(dirpath) / f for f in filenames
            if f.endswith('.md') and (f.startswith('README') or in_docs)
        ]
    return sorted(found)


def heading_anchors(text: str) -> Set[str]:
    """The ``#anchors`` GitHub gives the headings of a Markdown page.

    Lower case, punctuation dropped, spaces turned into hyphens; a repeated
    heading gets ``-1``, ``-2``, ...

    Args:
        text (str): The page.

    Returns:
        set[str]: e.g. ``{'get-started', 'running-on-todays-pytorch'}``.
    """
    anchors: Set[str] = set()
    seen: Dict[str, int] = {}
    for line in FENCE.sub('', text).splitlines():
        match = re.match(r'#{1,6}\s+(.*?)\s*#*\s*$', line)
        if not match:
            continue
        slug = re.sub(r'[^\w\- ]', '', match.group(1).strip().lower())
        slug = slug.replace(' ', '-')
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(f'{slug}-{count}' if count else slug)
    return anchors


def link_problems(page: Path, root: Path) -> List[str]:
    """Relative links of one page that point at nothing, one line each.

    Links outside code are checked: the target file or folder must exist
    (relative to the page) and a ``#anchor`` into a Markdown file must be
    one of its headings. URLs (``https:``, ``mailto:``) are not checked.

    Args:
        page (Path): The Markdown page.
        root (Path): Repository root (paths in messages are relative to it).

    Returns:
        list[str]: Empty when every relative link resolves.
    """
    text = page.read_text(encoding='utf-8')
    where = page.relative_to(root)
    problems = []
    for target in LINK.findall(INLINE_CODE.sub('', FENCE.sub('', text))):
        if re.match(r'[a-z][\w+.-]*:', target):
            continue
        path, _, anchor = target.partition('#')
        dest = (page.parent / path).resolve() if path else page
        if not dest.exists():
            problems.append(f'{where}: link {target} points at nothing')
        elif anchor and dest.suffix == '.md' and dest.is_file() and (
                anchor not in heading_anchors(
                    dest.read_text(encoding='utf-8'))):
            problems.append(f'{where}: link {target}: no heading #{anchor} '
                            f'in {path or where}')
    return problems


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


@pytest.mark.parametrize(
    'page', find_readmes(REPO), ids=lambda p: str(p.relative_to(REPO)))
def test_relative_links_point_at_existing_files(page):
    assert link_problems(page, REPO) == []


def test_repository_has_a_readme_and_docs():
    pages = find_readmes(REPO)
    assert REPO / 'README.md' in pages
    assert REPO / 'docs' / 'get_started.md' in pages
    assert REPO / 'docs' / 'user_guides' / 'train.md' in pages


def test_link_checker_reports_missing_files_and_headings(tmp_path):
    (tmp_path / 'docs').mkdir()
    (tmp_path / 'docs' / 'guide.md').write_text(
        '# Guide\n\n## Running on today\'s PyTorch\n\n## Step 1 → 2\n')
    (tmp_path / 'README.md').write_text(
        '# Top\n\nSee [guide](docs/guide.md), '
        '[torch](docs/guide.md#running-on-todays-pytorch), '
        '[steps](docs/guide.md#step-1--2), [top](#top), '
        '[paper](https://arxiv.org/abs/2405.18524), ![plot](docs/gone.png), '
        '[bad](docs/guide.md#nope), [self](#missing).\n\n'
        '`[not a link](nowhere.md)`\n\n'
        '```bash\necho [x](not/checked.md)\n```\n')
    assert link_problems(tmp_path / 'README.md', tmp_path) == [
        'README.md: link docs/gone.png points at nothing',
        'README.md: link docs/guide.md#nope: no heading #nope in '
        'docs/guide.md',
        'README.md: link #missing: no heading #missing in README.md',
    ]
    assert find_readmes(tmp_path) == [tmp_path / 'README.md',
                                      tmp_path / 'docs' / 'guide.md']


def test_readme_is_a_short_product_page():
    """What it is, the commands, results, links; the rest is in docs/."""
    text = (REPO / 'README.md').read_text(encoding='utf-8')
    lines = text.count('\n')
    assert lines <= README_MAX_LINES, (
        f'README.md has {lines} lines (at most {README_MAX_LINES}): move '
        'long material to a page of docs/ and link it')
    for command in README_COMMANDS:
        assert command in text, f'README.md lacks the command {command!r}'
    for page in ('docs/get_started.md', 'docs/method.md', 'docs/benchmark.md',
                 'docs/analysis.md', 'docs/user_guides/train.md',
                 'configs/lfcc/README.md', 'LICENSE'):
        assert f']({page}' in text, f'README.md does not link {page}'
    assert 'Apache License' in (REPO / 'LICENSE').read_text(encoding='utf-8')


def benchmark_rows(readme: str) -> Dict[str, Dict[str, tuple]]:
    """Top-1 and delta of each method, per pair section of the benchmark
    README: ``{'res18-w32 → vit-t': {'kd': ('34.96', '+1.83')}}``.

    Args:
        readme (str): The text of ``configs/benchmark/cifar10/README.md``.

    Returns:
        dict: Per pair heading, per method, ``(top1, delta)`` as written
        (delta ``'—'`` for the teacher and scratch rows).
    """
    rows: Dict[str, Dict[str, tuple]] = {}
    pair = None
    for line in readme.splitlines():
        heading = re.match(r'### .*?: (.+)$', line)
        if heading:
            pair = rows.setdefault(heading.group(1).strip(), {})
            continue
        cells = [c.strip() for c in line.strip('|').split('|')]
        if pair is not None and len(cells) == 4 and re.match(
                r'\d+\.\d\d', cells[1]):
            method = cells[0].split(' (')[0]
            pair[method] = (cells[1].split()[0], cells[2])
    return rows


def test_readme_results_are_copied_from_the_benchmark():
    """Every number of the README's results table is in the committed
    benchmark table, for the same pair and method."""
    bench = (REPO / 'configs/benchmark/cifar10/README.md').read_text(
        encoding='utf-8')
    rows = benchmark_rows(bench)
    text = (REPO / 'README.md').read_text(encoding='utf-8')
    section = text.split('## Results at a glance')[1].split('\n## ')[0]
    assert 'configs/benchmark/cifar10/README.md' in section
    table = [line for line in section.splitlines() if line.startswith('|')]
    methods = [c.strip() for c in table[0].strip('|').split('|')][1:]
    names = {'Teacher': 'teacher', 'Scratch': 'scratch', 'KD': 'kd',
             'OFA-KD': 'ofa', 'LFCC': 'lfcc', 'LFCC + KD': 'lfcc_kd'}
    assert len(table) > 3
    for line in table[2:]:
        cells = [c.strip() for c in line.strip('|').split('|')]
        pair = re.search(r'\((.+)\)', cells[0]).group(1)
        assert pair in rows, f'README.md: no benchmark section for {pair}'
        for method, cell in zip(methods, cells[1:]):
            top1, delta = rows[pair][names[method]]
            expected = top1 if delta == '—' else f'{top1} ({delta})'
            assert cell == expected, (
                f'README.md: {pair} {method} says {cell}, the benchmark '
                f'table {expected}')


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


#: Every script a page runs -> the test file that runs it for real (on tiny
#: data). A new command in a page fails
#: ``test_every_readme_script_is_exercised`` until a test runs it and is
#: listed here.
EXERCISED_BY = {
    'scripts/quickstart.sh': 'tests/test_bench/test_tools_e2e.py',
    'tools/quickstart.py': 'tests/test_bench/test_tools_e2e.py',  # via the script
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
    'tools/analysis/get_flops.py': 'tests/test_tools/test_get_flops.py',
    'tools/analysis/list_taps.py': 'tests/test_taps/test_tools.py',
    'tools/misc/make_pair_config.py': 'tests/test_taps/test_tools.py',
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


#: Shell wrappers -> the Python tool that receives their ``--options``.
FLAGS_GO_TO = {
    'scripts/quickstart.sh': 'tools/quickstart.py',
    'tools/dist_train.sh': 'tools/train.py',
    'tools/dist_test.sh': 'tools/test.py',
    'tools/slurm_train.sh': 'tools/train.py',
    'tools/slurm_test.sh': 'tools/test.py',
}


def readme_flags() -> Dict[str, Dict[str, List[str]]]:
    """Per Python tool, each ``--option`` the pages pass it (directly or
    through a wrapper of ``FLAGS_GO_TO``) and where.

    Returns:
        dict: ``{script: {flag: [page, ...]}}``.
    """
    flags: Dict[str, Dict[str, List[str]]] = {}
    for readme, script, found in readme_commands():
        script = FLAGS_GO_TO.get(script, script)
        if script.endswith('.py'):
            for flag in found:
                flags.setdefault(script, {}).setdefault(flag, []).append(
                    readme)
    return flags


@pytest.mark.parametrize('script, flags', sorted(readme_flags().items()),
                         ids=lambda v: v if isinstance(v, str) else None)
def test_readme_options_exist(script, flags, load_tool, capsys):
    """Each ``--option`` in a page's command appears in the tool's help
    (``main(['--help'])`` in-process, one per script)."""
    with pytest.raises(SystemExit) as exit_:
        load_tool(script).main(['--help'])
    assert exit_.value.code == 0
    help_text = capsys.readouterr().out
    for flag, pages in flags.items():
        assert flag in help_text, (
            f'{", ".join(sorted(set(pages)))}: {script} has no {flag}')


def test_ci_runs_the_readme_test_command():
    readme = (REPO / 'README.md').read_text(encoding='utf-8')
    assert 'bash scripts/test.sh' in readme
    assert 'bash scripts/test.sh' in (REPO / '.ci' / 'run').read_text()
