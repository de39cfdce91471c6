from .frozen_teacher_distill import (FrozenTeacherDistill,
                                     TeacherCheckpointError,
                                     load_teacher_checkpoint)
from .lfcc import LFCC

__all__ = [
    'FrozenTeacherDistill', 'LFCC', 'TeacherCheckpointError',
    'load_teacher_checkpoint'
]
