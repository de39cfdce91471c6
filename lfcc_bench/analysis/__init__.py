"""Analysis tools: what do teacher and student features share, per frequency?

Not imported by ``import lfcc_mm``; import ``lfcc_mm`` first (compat shims),
then this package. ``tools/analysis/feature_spectrum.py`` is the command-line
front end; plotting lives in :mod:`lfcc_bench.analysis.report` (matplotlib).
"""
from .analyzer import FeatureSpectrumAnalyzer, cka_keys
from .cka import linear_cka
from .data import build_image_folder_loader, evaluation_pipeline
from .features import (StudentCheckpointError, TappedStage,
                       load_student_checkpoint, record_maps, tapped_stages)
from .spectrum import (SpectrumMeter, dct_power, low_frequency_fraction,
                       radial_frequencies, radial_profile)

__all__ = [
    'FeatureSpectrumAnalyzer', 'cka_keys', 'linear_cka',
    'build_image_folder_loader', 'evaluation_pipeline',
    'StudentCheckpointError', 'TappedStage', 'load_student_checkpoint',
    'record_maps', 'tapped_stages', 'SpectrumMeter', 'dct_power',
    'low_frequency_fraction', 'radial_frequencies', 'radial_profile'
]
