"""Helpers of the command-line tools (``tools/``); not needed by models.

Checkpoint I/O (student export included) lives in :mod:`lfcc_mm.checkpoint`.
"""
from .user_errors import EXIT_USER_ERROR, UserError, exit_on_user_error

__all__ = ['EXIT_USER_ERROR', 'UserError', 'exit_on_user_error']
