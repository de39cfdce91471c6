"""Tests of the config tree under ``configs/``."""
