#!/usr/bin/env bash
# Install (if needed) and run the quickstart distillation on scikit-learn's
# digits. Extra args go to tools/quickstart.py (e.g. --work-dir DIR).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
exec python tools/quickstart.py "$@"
