"""Run artefacts live in ``results/``, not in ``configs/``, and links find them.

Logs, JSON, tables and plots of the measured runs are committed under
``results/<run>/`` (indexed by ``results/README.md``); the READMEs and
``docs/`` pages that quote their numbers link there. A moved or renamed artefact must not leave a
dead link, and none may creep back into ``configs/``.
"""
import re
from pathlib import Path
from typing import List, Tuple

import pytest

REPO = Path(__file__).resolve().parents[2]
RESULTS = REPO / 'results'
#: Markdown links and images: ``[text](target)`` / ``![alt](target)``.
LINK = re.compile(r'\]\(([^)\s]+)\)')
#: What a run writes (configs are ``.py``, docs ``.md``, metafiles ``.yml``).
ARTEFACT_SUFFIXES = ('.log', '.png', '.json', '.pth')


def _readmes() -> List[Path]:
    """The READMEs and docs pages that link run artefacts."""
    return sorted([REPO / 'README.md', *RESULTS.rglob('README.md'),
                   *(REPO / 'configs').rglob('README.md'),
                   *(REPO / 'docs').rglob('*.md')])


def _local_links(readme: Path) -> List[Tuple[str, Path]]:
    """``(target, resolved path)`` of each relative link of ``readme``."""
    links = []
    for target in LINK.findall(readme.read_text(encoding='utf-8')):
        if re.match(r'[a-z]+:', target) or target.startswith('#'):
            continue  # URLs, in-page anchors
        path = target.split('#', 1)[0]
        links.append((target, (readme.parent / path).resolve()))
    return links


def test_every_run_folder_is_indexed():
    index = (RESULTS / 'README.md').read_text(encoding='utf-8')
    folders = sorted(p.name for p in RESULTS.iterdir() if p.is_dir())
    assert {'benchmark_cifar10', 'quickstart_digits', 'overhead',
            'checkpoint_size', 'spectrum_vit2cnn'} <= set(folders)
    for name in folders:
        assert f'[`{name}/`]({name}/' in index, name


@pytest.mark.parametrize('readme', _readmes(),
                         ids=lambda p: str(p.relative_to(REPO)))
def test_links_into_results_exist(readme):
    dead = [target for target, path in _local_links(readme)
            if RESULTS in (path, *path.parents) and not path.exists()]
    assert not dead, f'{readme.relative_to(REPO)}: dead links {dead}'


def test_readmes_link_the_moved_artefacts():
    targets = {path for readme in _readmes()
               for _, path in _local_links(readme)}
    for rel in ('benchmark_cifar10', 'quickstart_digits', 'overhead',
                'checkpoint_size/README.md',
                'spectrum_vit2cnn/spectra.png'):
        assert (RESULTS / rel).resolve() in targets, rel


def test_no_run_artefacts_under_configs():
    stray = sorted(str(p.relative_to(REPO))
                   for p in (REPO / 'configs').rglob('*')
                   if p.suffix in ARTEFACT_SUFFIXES)
    assert not stray, f'run outputs belong in results/<run>/: {stray}'
