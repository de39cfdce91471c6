from .checked_distiller import (CheckedDistiller, RecorderSourceError,
                                check_recorder_sources)

__all__ = ['CheckedDistiller', 'RecorderSourceError', 'check_recorder_sources']
