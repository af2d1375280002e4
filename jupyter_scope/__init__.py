"""jupyter-scope: see which TensorFlow variables and scopes a block of code created and reused.

`record()` captures; `ScopeReport` is what it captured; `load(path)` reads a
checkpoint, SavedModel, GraphDef or event file as one; `%load_ext jupyter_scope` gives the
`%%scopes` magic. TensorFlow is imported only when a recording starts.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import TYPE_CHECKING

from jupyter_scope.document.codec import ReportFormatError
from jupyter_scope.load.loader import load
from jupyter_scope.model.report import MIME_TYPE, ScopeReport
from jupyter_scope.notebook.history import reports, widgets

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell

    from jupyter_scope.capture.recorder import Recording

__version__ = version("jupyter-scope")  # package.json's, through the package metadata
__all__ = [
    "MIME_TYPE",
    "ReportFormatError",
    "ScopeReport",
    "load",
    "record",
    "reports",
    "widgets",
]


def record(*, ops: bool = True, placement: bool = True, profile: bool = False) -> Recording:
    """Record what the `with` block does to TensorFlow's variables, scopes, ops and devices;
    with `profile=True`, each op's measured run time and memory too (TF's traces).

    >>> with jupyter_scope.record() as rec:
    ...     build_model()
    >>> rec.report   # a ScopeReport, set even when the block raised
    """
    from jupyter_scope.capture.recorder import Recording

    return Recording(ops=ops, placement=placement, profile=profile)


def load_ipython_extension(ipython: InteractiveShell) -> None:
    from jupyter_scope.notebook.magics import ScopeMagics, install_syntax_check

    ipython.register_magics(ScopeMagics)
    install_syntax_check(ipython)


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "jupyter-scope"}]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    # The panel's exports and old documents' upgrade run in the server (server.py).
    return [{"module": "jupyter_scope.server"}]
