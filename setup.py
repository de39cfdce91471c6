"""Install lfcc_mm. The tested stack is pinned in requirements/*.txt."""
import os.path as osp

from setuptools import find_packages, setup


def get_version() -> str:
    scope: dict = {}
    with open(osp.join(osp.dirname(__file__), 'lfcc_mm', 'version.py')) as f:
        exec(f.read(), scope)
    return scope['__version__']


setup(
    name='lfcc_mm',
    version=get_version(),
    description='LFCC (low-frequency contrastive) knowledge distillation '
    'for heterogeneous architectures, as an MMRazor plugin',
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    packages=find_packages(include=['lfcc_mm', 'lfcc_mm.*']),
    python_requires='>=3.8',
    # Ranges, not pins: a user's own CUDA torch >= 2.0 must stay. mmcv is not
    # listed, because either `mmcv` or `mmcv-lite` (<= 2.1.0) satisfies it and
    # pip cannot express that; requirements/runtime.txt installs mmcv-lite.
    install_requires=[
        'torch>=2.0',
        'torchvision',
        'mmengine>=0.10.7,<1.0.0',
        'mmpretrain>=1.2.0,<2.0.0',
        'mmrazor==1.0.0',
        'setuptools<81',
        'joblib',
    ],
    extras_require=dict(
        # The checkout's tooling (lfcc_bench/, not installed: the quickstart,
        # tools/benchmark/, tools/analysis/) and the DigitsDataset of the
        # quickstart configs (scikit-learn); requirements/bench.txt.
        bench=['scikit-learn', 'matplotlib', 'scipy', 'tqdm'],
        tests=['pytest', 'timm==1.0.31', 'tensorboard'],
        # Optional logging backends of tools/train.py --vis-backend
        # (lfcc_mm/cli/vis_backends.py): mmengine's TensorboardVisBackend
        # and WandbVisBackend.
        tensorboard=['tensorboard'],
        wandb=['wandb'],
        # The OFA-KD CIFAR-100 protocol (configs/lfcc/cifar100_ofa/), whose
        # teachers and students are timm models (mmpretrain's
        # TimmClassifier), and tools/model_converters/timm_upgrade.py.
        timm=['timm>=1.0,<2']),
    include_package_data=True,
    # mim looks in lfcc_mm/.mim: `mim train` for configs/ and tools/,
    # `mim list/search/download` for model-index.yml (which imports the
    # metafiles under configs/); the benchmark configs name their shipped
    # teacher weights relative to themselves, ../../../checkpoints/, so the
    # wheel carries checkpoints/ there too (symlinks in the source tree, real
    # files in a built wheel; docs/get_started.md#mim).
    package_data={
        'lfcc_mm': [
            '.mim/model-index.yml', '.mim/configs/**/*', '.mim/tools/**/*',
            '.mim/checkpoints/**/*'
        ]
    },
    # shipped students are downloaded (`mim download`), not installed
    exclude_package_data={'lfcc_mm': ['.mim/checkpoints/**/students/*']},
    license='Apache-2.0',
    zip_safe=False,
)
