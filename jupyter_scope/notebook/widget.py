"""`ScopeWidget`: the report as a collapsible tree, one anywidget model per report.

The front end is `jupyter_scope/static/tree.js`, built from `labextension/src/` (the same
tree the lab extension and the standalone HTML page show). The report travels in compact
form (`compact.py`) in a message each view asks for, not as synced state: a notebook saved
with its widget state ("save widget state", nbclient's `store_widget_state`) would
otherwise hold the whole report a second time, beside the packed document its output
already carries (16 MB for tf-slim inception_v3 + Adam). `selected` holds the full name of
the node selected in the browser; setting it from Python selects and reveals that node.
No TensorFlow import here.
"""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets

from jupyter_scope.notebook.compact import compact

if TYPE_CHECKING:
    from jupyter_scope.model.report import ScopeReport

# The messages between a view and this model: the view asks, Python answers with the report
# (and sends it again whenever `report` changes).
ASK = "report?"
ANSWER = "report"
# The flow pane's layout worker (ELK's script, 1.6 MB): asked for by a view when it first
# lays out a flow, not sent with every widget's module.
ASK_WORKER = "elk?"
WORKER = "elk"


def _static(name: str) -> str:
    path = resources.files("jupyter_scope") / "static" / name
    if not path.is_file():
        raise ImportError(
            f"jupyter_scope/static/{name} is missing: the widget's front end is not built. "
            "In a source checkout run `npm ci && npm run build` (or `pip install -e .`)."
        )
    return path.read_text(encoding="utf-8")


class ScopeWidget(anywidget.AnyWidget):
    """A collapsible tree of a report's scopes, variables and ops.

    >>> w = ScopeWidget(report)
    >>> w.selected   # the node selected in the browser, e.g. "conv1/weights"
    """

    _esm = _static("tree.js")
    _css = _static("tree.css")

    report = traitlets.Dict(help="the report in compact form; sent to views, never synced")
    selected = traitlets.Unicode("").tag(sync=True)
    filter = traitlets.Unicode("", help="a regex: show only the names it matches").tag(sync=True)

    def __init__(self, report: ScopeReport, *, filter: str | None = None, **kwargs: Any) -> None:
        super().__init__(report=compact(report.to_dict()), filter=filter or "", **kwargs)
        self.on_msg(self._answer)

    def _answer(self, _widget: Any, content: Any, _buffers: Any) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == ASK:
            self._send_report()
        elif kind == ASK_WORKER:
            self.send({"type": WORKER, "source": _static("elk-worker.js")})

    @traitlets.observe("report")
    def _report_changed(self, _change: Any) -> None:
        self._send_report()  # before the comm is open (in __init__) this sends nothing

    def _send_report(self) -> None:
        self.send({"type": ANSWER, "report": self.report})
