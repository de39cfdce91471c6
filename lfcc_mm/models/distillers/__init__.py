from .lfcc_distiller import (LFCCDistiller, RecorderSourceError,
                             check_recorder_sources)

__all__ = ['LFCCDistiller', 'RecorderSourceError', 'check_recorder_sources']
