#!/usr/bin/env bash
# Sets up everything on a fresh Debian machine: system packages, the virtualenv with
# TensorFlow (CPU build) and the test tools, the front end, and the package itself.
# Idempotent, and cheap the second time: each step runs only when what it reads changed
# since it last ran here (fingerprints of its inputs and outputs in .venv/setup/), so a
# second run with nothing changed only checks.
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
stamps=.venv/setup
mkdir -p "$stamps"

# The fingerprint of files and directories (contents and names; missing ones count too).
fingerprint() {
  for path in "$@"; do
    if [ -e "$path" ]; then
      find "$path" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
    else
      echo "missing $path"
    fi
  done | sha256sum | cut -d' ' -f1
}
# `fresh STEP FINGERPRINT`: whether STEP last ran with this fingerprint; `done_ STEP
# FINGERPRINT` records it (after the step succeeded).
fresh() { [ "$(cat "$stamps/$1" 2>/dev/null)" = "$2" ]; }
done_() { echo "$2" >"$stamps/$1"; }

tools=$(fingerprint scripts/setup.sh)
if ! fresh tools "$tools"; then
  python -m pip install -q -U pip
  python -m pip install -q "jupyterlab>=4.2,<5" "hatch-jupyter-builder>=0.9" "hatchling>=1.27"
  done_ tools "$tools"
fi

# npm ci rewrites node_modules, and leaves node_modules/.package-lock.json behind.
modules=$(fingerprint package-lock.json node_modules/.package-lock.json)
if ! fresh npm "$modules"; then
  npm ci --no-audit --no-fund --loglevel=error
  modules=$(fingerprint package-lock.json node_modules/.package-lock.json)
  done_ npm "$modules"
fi

# The production build, unless its inputs and its outputs are those of the last one here
# (a development build, `npm run build`, changes the outputs: built again).
build_inputs=(labextension/src labextension/style labextension/scripts package.json
  package-lock.json tsconfig.json)
build_outputs=(jupyter_scope/labextension jupyter_scope/static)
built="$(fingerprint "${build_inputs[@]}") $(fingerprint "${build_outputs[@]}")"
if ! fresh build "$built"; then
  npm run build:prod --silent
  done_ build "$(fingerprint "${build_inputs[@]}") $(fingerprint "${build_outputs[@]}")"
fi

# `labextension develop` below links the venv's copy of the extension to the build in
# jupyter_scope/labextension; a second pip install would uninstall and write the wheel's
# shared data (install.json included) through that link into the source tree: unlink first.
link=.venv/share/jupyter/labextensions/jupyter-scope
package=$(fingerprint pyproject.toml install.json jupyter-config)
if ! fresh package "$package" || ! python -m pip show -q jupyter-scope 2>/dev/null; then
  if [ -L "$link" ]; then rm "$link"; fi
  # TF is an extra: users pick their build; we test with tensorflow-cpu.
  python -m pip install -q -e ".[tensorflow-cpu,test]"
  done_ package "$package"
fi
if [ "$(readlink "$link" 2>/dev/null)" != "$PWD/jupyter_scope/labextension" ]; then
  jupyter labextension develop --overwrite . >/dev/null
fi
