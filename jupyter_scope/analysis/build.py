"""A report from records: the graph they make (`model/build.py`) and what every
registered check finds in it (`diagnostics.py`). What a recording and a loaded file end in."""

from __future__ import annotations

from jupyter_scope.analysis.diagnostics import diagnose
from jupyter_scope.model.build import build_graph
from jupyter_scope.model.report import ScopeReport
from jupyter_scope.records import Capture


def build_report(capture: Capture) -> ScopeReport:
    graph = build_graph(capture)
    return ScopeReport(graph, capture.meta, diagnose(capture, graph))
