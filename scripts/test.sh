#!/usr/bin/env bash
# Install (if needed) and run the whole test suite. Extra args go to pytest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
exec python -m pytest tests "$@"
