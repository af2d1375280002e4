"""The MIME bundle a notebook stores for a report: text, static HTML and the JSON document.

Saved with the notebook, so kept small: the document packed when large (`report.packed`),
which the lab extension draws in full, and a static HTML tree of the summary and the top-level
scopes only (for nbviewer and GitHub).
"""

from __future__ import annotations

from typing import Any

from jupyter_scope.document.packed import pack
from jupyter_scope.model.report import MIME_TYPE, ScopeReport
from jupyter_scope.present import html_tree, text_tree


def mimebundle(report: ScopeReport) -> dict[str, Any]:
    return {
        "text/plain": text_tree.render(report),
        "text/html": html_tree.render(report, levels=1),
        MIME_TYPE: pack(report.to_dict()),
    }
