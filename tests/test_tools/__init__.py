"""Tests of tools/ and lfcc_mm.cli (the command-line layer)."""
