"""Helpers of the command-line tools (``tools/``); not needed by models."""
from .student_export import dropped_key_groups, extract_student_state_dict
from .user_errors import EXIT_USER_ERROR, UserError, exit_on_user_error

__all__ = [
    'extract_student_state_dict', 'dropped_key_groups',
    'EXIT_USER_ERROR', 'UserError', 'exit_on_user_error'
]
