"""The command-line layer (top): what the tools of ``tools/`` share.

Layers of lfcc_mm, bottom to top (``tests/test_architecture.py`` checks
them and that there is no import cycle):

1. :mod:`lfcc_mm.errors` (user-fixable errors) and :mod:`lfcc_mm.fileio`
   (the one atomic file writer): import nothing of lfcc_mm;
2. :mod:`lfcc_mm.checkpoint`, :mod:`lfcc_mm.compat`, :mod:`lfcc_mm.models`,
   :mod:`lfcc_mm.datasets`, :mod:`lfcc_mm.engine`: what configs name and
   users import; never import this layer;
3. this package: argument parsing and config loading
   (:mod:`.runner`, :mod:`.config_checks`) and the exit on a user error
   (:mod:`.exit_on_error`); :mod:`lfcc_mm.apis` (the Python API, which
   runs configs the way the tools do) sits beside it.

The benchmark and analysis tooling (``lfcc_bench/``) and ``tools/`` live in
the checkout, above all of these; nothing in lfcc_mm imports them.
"""
from lfcc_mm.errors import EXIT_USER_ERROR, UserError

from .exit_on_error import exit_on_user_error, user_error_message

__all__ = [
    'EXIT_USER_ERROR', 'UserError', 'exit_on_user_error', 'user_error_message'
]
