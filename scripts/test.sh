#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs every test: lint, JS unit tests, and pytest
# (recorder, magic, exports, CLI, notebooks, and the browser tests in real Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
ruff check jupyter_scope tests benchmarks notebooks/make_notebooks.py
ruff format --check jupyter_scope tests benchmarks notebooks/make_notebooks.py
mypy
npm run lint --silent
npm run typecheck --silent
npm test --silent
python -m pytest "$@"
