"""The prebuilt lab extension is installed where JupyterLab finds it, enabled and OK."""

from __future__ import annotations

import os
import re
import subprocess
import sys

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_labextension_listed_enabled_and_ok() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "jupyter", "labextension", "list"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode == 0, result.stderr
    # The listing goes to stderr; colours are stripped in case the terminal asked for them.
    listing = ANSI.sub("", result.stdout + result.stderr)
    lines = [line.split() for line in listing.splitlines()]
    ours = [words for words in lines if words[:1] == ["jupyter-scope"]]
    assert ours, f"jupyter-scope is not installed as a lab extension:\n{listing}"
    assert ours[0][2:4] == ["enabled", "OK"], listing
