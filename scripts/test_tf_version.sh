#!/usr/bin/env bash
# Runs the recorder suites against one TensorFlow release, in a venv of its own:
#   bash scripts/test_tf_version.sh TF_VERSION [PYTHON_VERSION] [pytest args...]
# e.g. `bash scripts/test_tf_version.sh 2.16.2 3.10`. PYTHON_VERSION (X.Y) is looked up
# among pyenv's builds, then on PATH; without it, python3. The venv, .venv-tf-TF-pyX.Y,
# is kept for the next run. Run it for the lowest and the newest supported TF before a
# release, and write the results in README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

tf=${1:?usage: scripts/test_tf_version.sh TF_VERSION [PYTHON_VERSION] [pytest args...]}
py=${2:-}
shift $(($# < 2 ? $# : 2))
if [ -z "$py" ]; then
  python=python3
else
  # pyenv's shims answer only for its global version: ask for the build itself.
  python=$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$py".*/bin/python"$py" 2>/dev/null | tail -1)
  python=${python:-$(command -v "python$py" || true)}
  [ -n "$python" ] || { echo "test_tf_version: no Python $py here (pyenv or PATH)" >&2; exit 2; }
fi
py=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
venv=".venv-tf-$tf-py$py"

[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install -q -U pip
# The package from this tree (its front end built as setup.sh builds it), with that TF.
"$venv/bin/python" -m pip install -q -e ".[test]" "tensorflow-cpu==$tf"
"$venv/bin/python" -c 'import sys, tensorflow as tf, keras
print(f"Python {sys.version.split()[0]}, TensorFlow {tf.__version__}, Keras {keras.__version__}")'
exec "$venv/bin/python" -m pytest tests/test_seeds.py tests/test_tf_semantics.py \
  tests/test_recorder.py tests/test_eager.py tests/test_models.py tests/test_placement.py "$@"
