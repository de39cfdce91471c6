"""scratch: the student alone, cross-entropy only (no teacher, no distiller).

A ``scratch`` config's ``model`` is the student classifier itself; the
other methods run that same student inside ``FrozenTeacherDistill``.
"""
