from .checked_distiller import (CheckedDistiller, LFCCDistiller,
                                RecorderSourceError, check_recorder_sources)

__all__ = [
    'CheckedDistiller', 'LFCCDistiller', 'RecorderSourceError',
    'check_recorder_sources'
]
