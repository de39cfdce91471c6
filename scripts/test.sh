#!/usr/bin/env bash
# Install (if needed) and run the whole test suite. Extra args go to pytest.
#   LFCC_TEST_WORKERS  pytest-xdist workers (default: auto, one per CPU core;
#                      0 runs every test in this process)
# Each test file runs on one worker, so its module fixtures are built once;
# files are handed out in collection order, the slow ones first
# (tests/conftest.py), so that no worker ends alone on a long file.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
exec python -m pytest -n "${LFCC_TEST_WORKERS:-auto}" --dist loadfile \
    --no-loadscope-reorder tests "$@"
