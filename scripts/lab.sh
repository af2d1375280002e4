#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and starts JupyterLab on the first story notebook.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
as_root=()
[ "$(id -u)" = 0 ] && as_root=(--allow-root)  # these machines run as root; Jupyter refuses otherwise
exec .venv/bin/jupyter lab "${as_root[@]}" notebooks/01_sharing_variables.ipynb "$@"
