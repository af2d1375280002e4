#!/usr/bin/env bash
# Runs the checks. Extra arguments go to pytest.
#   bash scripts/test.sh          set up (scripts/setup.sh), then every check: lint, types,
#                                 JS unit tests, and all of pytest (recorder, magic, exports,
#                                 CLI, notebooks, the corpus, the browser tests in Chromium)
#   bash scripts/test.sh --fast   the edit-test loop: no set-up, no browser, nothing marked
#                                 slow (lint, types, JS unit tests, pytest -m "not browser
#                                 and not slow"); uses the environment and the front-end
#                                 build as they are
set -euo pipefail
cd "$(dirname "$0")/.."
fast=false
if [ "${1:-}" = --fast ]; then
  fast=true
  shift
fi
if ! $fast; then
  bash scripts/setup.sh
fi
if [ -x .venv/bin/python ]; then
  export PATH="$PWD/.venv/bin:$PATH"
fi
ruff check jupyter_scope tests benchmarks notebooks/make_notebooks.py
ruff format --check jupyter_scope tests benchmarks notebooks/make_notebooks.py
mypy
npm run lint --silent
npm run typecheck --silent
npm test --silent
if $fast; then
  python -m pytest -m "not browser and not slow" "$@"
else
  python -m pytest "$@"
fi
