from .lfcc import LFCC, TeacherCheckpointError, load_teacher_checkpoint

__all__ = ['LFCC', 'TeacherCheckpointError', 'load_teacher_checkpoint']
