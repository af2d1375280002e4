"""`json`: the versioned document (`to_dict()`); `ScopeReport.from_json` reads it."""

from __future__ import annotations

from jupyter_scope.model.report import ScopeReport


def render(report: ScopeReport) -> str:
    return report.to_json(indent=1) + "\n"
