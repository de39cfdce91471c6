#!/usr/bin/env bash
# Create (or reuse) the virtual environment and install lfcc_mm into it.
# Idempotent: it reinstalls only when requirements/*.txt or setup.py change.
# Sourced by scripts/quickstart.sh and scripts/test.sh.
#   LFCC_VENV  where the environment lives (default: .venv in the repo)
#   PYTHON     the interpreter that creates it (default: python3)
set -euo pipefail
LFCC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LFCC_VENV=${LFCC_VENV:-$LFCC_ROOT/.venv}
cd "$LFCC_ROOT"
if [ ! -x "$LFCC_VENV/bin/python" ]; then
  echo "[lfcc_mm] creating virtual environment $LFCC_VENV"
  "${PYTHON:-python3}" -m venv "$LFCC_VENV"
fi
stamp=$LFCC_VENV/.lfcc_mm-installed
want=$(cat requirements.txt requirements/*.txt setup.py | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "[lfcc_mm] installing the pinned stack into $LFCC_VENV (once)"
  pip_install() {
    # Some machines list local package folders that may be absent; pip warns
    # once per missing folder. Drop only that warning.
    "$LFCC_VENV/bin/python" -m pip install --quiet \
      --disable-pip-version-check "$@" \
      2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2)
  }
  # torch first, so nothing below pulls a different build
  pip_install -r requirements/torch.txt
  # runtime (what lfcc_mm imports), bench (the checkout's quickstart, benchmark
  # and analysis tools), tests
  pip_install -r requirements/runtime.txt -r requirements/bench.txt \
    -r requirements/tests.txt
  pip_install --no-deps -r requirements/mim.txt
  pip_install --no-build-isolation --no-deps -e .
  echo "$want" > "$stamp"
fi
export PATH="$LFCC_VENV/bin:$PATH"
