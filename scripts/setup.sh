#!/usr/bin/env bash
# Sets up everything on a fresh Debian machine: system packages, the virtualenv with
# TensorFlow (CPU build) and the test tools, the front end, and the package itself.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v dot >/dev/null || need_apt+=(graphviz)
if ((${#need_apt[@]})); then
  echo "setup: installing ${need_apt[*]} from Debian"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_apt[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
# The venv's tools (jupyter, jupyter-builder) are called by name by the build steps.
export PATH="$PWD/.venv/bin:$PATH"
python -m pip install -q -U pip
python -m pip install -q "jupyterlab>=4.2,<5" "hatch-jupyter-builder>=0.9" "hatchling>=1.27"
npm ci --no-audit --no-fund --loglevel=error
npm run build:prod --silent
# `labextension develop` below links the venv's copy of the extension to the build in
# jupyter_scope/labextension; a second pip install would uninstall and write the wheel's
# shared data (install.json included) through that link into the source tree: unlink first.
link=.venv/share/jupyter/labextensions/jupyter-scope
if [ -L "$link" ]; then rm "$link"; fi
# TF is an extra: users pick their build; we test with tensorflow-cpu.
python -m pip install -q -e ".[tensorflow-cpu,test]"
jupyter labextension develop --overwrite . >/dev/null
