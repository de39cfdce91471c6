"""Tests of tools/ and lfcc_mm.utils (the command-line layer)."""
