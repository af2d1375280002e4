#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and starts JupyterLab on the demo notebook.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/jupyter lab notebooks/demo.ipynb "$@"
