"""The prebuilt lab extension is installed where JupyterLab finds it, enabled and OK."""

from __future__ import annotations

import os
import re
import subprocess
import sys

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def labextension_listing(
    python: str = sys.executable, env: dict[str, str] | None = None
) -> tuple[list[str], str]:
    """`jupyter labextension list` run by `python` in `env`: the words of jupyter-scope's line, and
    the whole listing (which goes to stderr; colours are stripped in case a terminal asked)."""
    result = subprocess.run(
        [python, "-m", "jupyter", "labextension", "list"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**(os.environ if env is None else env), "NO_COLOR": "1"},
    )
    listing = ANSI.sub("", result.stdout + result.stderr)
    assert result.returncode == 0, listing
    # A broken install.json of any extension is a traceback here, and breaks every listing.
    assert "Traceback" not in listing and "Error" not in listing, listing
    lines = [line.split() for line in listing.splitlines()]
    ours = [words for words in lines if words[:1] == ["jupyter-scope"]]
    assert len(ours) == 1, f"jupyter-scope is not listed once as a lab extension:\n{listing}"
    assert ours[0][2:4] == ["enabled", "OK"], listing
    return ours[0], listing


def test_labextension_listed_enabled_and_ok() -> None:
    labextension_listing()
