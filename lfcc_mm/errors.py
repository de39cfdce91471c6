"""Errors a user can fix (bottom layer: imports nothing of lfcc_mm).

A mistake the user can fix in the config or on the command line (a wrong
path, a missing dataset folder, a misspelt component name, an invalid
lfcc_mm argument) is raised as a :class:`UserError` whose message says
which key or path, what was seen and how to fix it. The command-line layer
(:func:`lfcc_mm.cli.exit_on_user_error`) prints it as a single
``<tool>: error: <what and where>`` line on stderr and exits with
:data:`EXIT_USER_ERROR`. Models, datasets, engine hooks and checkpoint I/O
raise these errors; they never import the command-line layer.
"""
from __future__ import annotations

import json
from typing import Any

#: Exit status of a tool stopped by a user mistake (argparse's, too).
EXIT_USER_ERROR = 2


class UserError(Exception):
    """A mistake in the config or the command line; the message says where."""


class UnreadableImageError(UserError):
    """An image file of a dataset that cannot be read or decoded."""


def read_json(path: str, what: str) -> Any:
    """Read a JSON file a tool relies on, naming it if it is torn.

    A file cut short by a killed write (or edited by hand) is reported as a
    :class:`UserError` that names the file, what it is and where the JSON
    breaks, instead of a ``JSONDecodeError`` traceback.

    Args:
        path (str): The file.
        what (str): What the file is, for the message, e.g.
            ``'benchmark results'``.

    Returns:
        Any: The parsed JSON.

    Raises:
        FileNotFoundError: ``path`` does not exist (callers that treat a
            missing file as "nothing yet" check this first).
        UserError: The file is not valid UTF-8 JSON.
    """
    try:
        with open(path, encoding='utf-8') as f:
            return json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise UserError(
            f'{what} {path!r} is not valid JSON ({err}); it may have been cut '
            f'short by an interrupted write: restore it, or move it away to '
            f'start afresh') from err
