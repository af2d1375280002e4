"""The MIME bundle a notebook stores for a report: text, static HTML and the JSON document."""

from __future__ import annotations

from typing import Any

from jupyter_scope.display import html, text
from jupyter_scope.report.model import MIME_TYPE, ScopeReport


def mimebundle(report: ScopeReport) -> dict[str, Any]:
    return {
        "text/plain": text.render(report),
        "text/html": html.render(report),
        MIME_TYPE: report.to_dict(),
    }
