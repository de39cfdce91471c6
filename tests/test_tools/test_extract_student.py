"""``tools/model_converters/extract_student.py`` exports a plain student."""
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

import lfcc_mm  # noqa: F401 - registers LFCC before the model is built
from mmpretrain.registry import MODELS as MMPRETRAIN_MODELS
from mmrazor.registry import MODELS as MMRAZOR_MODELS

from .conftest import TINY_CONFIG


@pytest.mark.slow
def test_student_loads_strictly_and_predicts_the_same(run_tool,
                                                      trained_work_dir,
                                                      tiny_project):
    src = trained_work_dir / 'iter_4.pth'
    dst = tiny_project / 'exported' / 'student.pth'
    result = run_tool('model_converters/extract_student.py', str(src),
                      str(dst))
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'dropped' in result.stdout and 'teacher.*' in result.stdout

    exported = torch.load(dst, map_location='cpu')
    assert set(exported) == {'state_dict', 'meta'}
    assert exported['meta']['iter'] == 4
    assert not any(k.startswith(('architecture.', 'teacher.', 'distiller.'))
                   for k in exported['state_dict'])

    cfg = Config.fromfile(str(TINY_CONFIG))
    student = MMPRETRAIN_MODELS.build(cfg.model.architecture)  # plain
    student.load_state_dict(exported['state_dict'], strict=True)
    with DefaultScope.overwrite_default_scope('mmrazor'):
        algorithm = MMRAZOR_MODELS.build(cfg.model)
    ckpt = torch.load(src, map_location='cpu')
    algorithm.load_state_dict(ckpt['state_dict'], strict=True)

    torch.manual_seed(0)
    images = torch.randn(3, 3, 32, 32)
    student.eval()
    algorithm.eval()
    with torch.no_grad():
        ours = student(images, mode='tensor')
        theirs = algorithm.architecture(images, mode='tensor')
    torch.testing.assert_close(ours, theirs, rtol=0, atol=0)
    assert type(student).__name__ == 'ImageClassifier'
