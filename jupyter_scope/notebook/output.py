"""The output of a `%%scopes` cell: one bundle that works live, saved and static.

Live, the front end shows the widget view; a reopened notebook (no kernel) falls back to
the report JSON, which the lab extension renders; nbviewer and GitHub show `text/html`;
terminal IPython `text/plain`.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from IPython.display import display

from jupyter_scope.document.packed import pack
from jupyter_scope.model.report import MIME_TYPE, ScopeReport
from jupyter_scope.present import html_tree, text_tree
from jupyter_scope.present.bundle import mimebundle

WIDGET_MIME_TYPE = "application/vnd.jupyter.widget-view+json"


def output_bundle(
    report: ScopeReport, widget: Any = None, pattern: str | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The report's own bundle plus the widget's view when given: (data, metadata).

    With `pattern`, the text and HTML trees show only the matching scopes (the JSON
    stays whole).
    """
    data, metadata = mimebundle(report), {}
    if pattern is not None:
        data["text/plain"] = text_tree.render(report, re.compile(pattern))
        data["text/html"] = html_tree.render(report, re.compile(pattern))
    if widget is not None:
        view, view_metadata = widget._repr_mimebundle_()  # anywidget: (data, metadata)
        data[WIDGET_MIME_TYPE] = view[WIDGET_MIME_TYPE]
        metadata.update(view_metadata)
    return data, metadata


def show(report: ScopeReport, *, live: bool, filter: str | None = None) -> Any:
    """Display the report; with a live widget front end, also as the tree widget (returned)."""
    widget = live_widget(report, filter) if live else None
    data, metadata = output_bundle(report, widget, filter)
    display(data, metadata=metadata, raw=True)
    return widget


def show_quiet(report: ScopeReport) -> None:
    """`--quiet` in a notebook: the report saved with the cell's outputs, marked `quiet`, so
    that the Scopes panel lists it and no display shows it (the lab's renderer draws
    nothing for it; a viewer without the extension has no format it shows)."""
    display({MIME_TYPE: pack(report.to_dict())}, metadata={MIME_TYPE: {QUIET: True}}, raw=True)


# The output metadata of a `--quiet` report (`labextension/src/renderer.ts` reads it).
QUIET = "quiet"


def live_widget(report: ScopeReport, filter: str | None) -> Any:
    """The tree widget, or None (with a warning) when its front end is not built."""
    try:
        from jupyter_scope.notebook.widget import ScopeWidget
    except ImportError as exc:
        warnings.warn(f"showing the static tree: {exc}", stacklevel=3)
        return None
    return ScopeWidget(report, filter=filter)
