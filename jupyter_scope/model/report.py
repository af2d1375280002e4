"""`ScopeReport`: the networkx graph of one recording, and every view derived from it.

The graph is the single source of truth (schema in docs/report.md and `schema.json`);
`variables`, `ops` and `scopes` are read off it, never stored beside it.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from jupyter_scope.model import collector
from jupyter_scope.model.nodes import OpNode, ScopeNode, VariableNode

if TYPE_CHECKING:
    from jupyter_scope.analysis.diff import ReportDiff
    from jupyter_scope.analysis.match import Match

MIME_TYPE = "application/vnd.jupyter-scope.report+json"


class ScopeReport:
    """What one recording saw: scopes, variables, ops, devices and diagnostics."""

    def __init__(
        self,
        graph: nx.DiGraph,
        meta: dict[str, Any],
        diagnostics: list[dict[str, Any]],
    ) -> None:
        self.graph = graph
        self.meta = meta
        self.diagnostics = diagnostics

    # -- views ---------------------------------------------------------------------------

    def _nodes(self, kind: str) -> list[Any]:
        return [
            {"id": node_id, **data}
            for node_id, data in self.graph.nodes(data=True)
            if data["kind"] == kind
        ]

    @cached_property
    def variables(self) -> list[VariableNode]:
        """One dict per distinct variable (fields as in docs/report.md's variable table)."""
        return self._nodes("variable")

    @cached_property
    def ops(self) -> list[OpNode]:
        return self._nodes("op")

    @cached_property
    def scopes(self) -> list[ScopeNode]:
        """Scope nodes with totals that include their descendants."""
        return self._nodes("scope")

    @property
    def error(self) -> dict[str, Any] | None:
        """The exception the recorded block raised (type and message), if any."""
        return self.meta.get("error")

    @cached_property
    def display(self) -> dict[str, Any]:
        """What the displays show, computed once (`section.py`): the document's
        `display` section."""
        from jupyter_scope.present import section

        return section.display(self.graph, self.meta, self.diagnostics)

    def summary(self) -> dict[str, Any]:
        """The counts the summary header shows."""
        return {k: v for k, v in self.display["summary"].items() if k != "line"}

    # -- the JSON document (the `document` layer, imported when called) ----------------

    def to_dict(self) -> dict[str, Any]:
        from jupyter_scope.document import codec

        return {
            **codec.to_document(self.graph, self.meta, self.diagnostics),
            "display": self.display,
        }

    def to_json(self, *, indent: int | None = None) -> str:
        separators = (",", ":") if indent is None else None  # unindented: no spaces either
        return json.dumps(self.to_dict(), indent=indent, separators=separators, allow_nan=False)

    @classmethod
    def from_dict(cls, data: Any) -> ScopeReport:
        """Read a document, or a notebook output's packed one (`document/packed.py`)."""
        from jupyter_scope.document import codec, packed

        with collector.paused():  # every container made here is kept
            if packed.is_packed(data):
                return cls(*codec.from_document(packed.unpack(data), parsed=True))
            return cls(*codec.from_document(data))

    @classmethod
    def from_json(cls, text: str | bytes) -> ScopeReport:
        """Read a document written by `to_json`; refuse a malformed one, naming the problem."""
        from jupyter_scope.document import codec

        with collector.paused():  # every container made here is kept
            return cls(*codec.read(text))

    # -- exports and comparison ----------------------------------------------------------

    def export(
        self, path: str | Path, format: str | None = None, *, force: bool = False, ops: bool = False
    ) -> Path:
        """Write the report to `path`; the format comes from the suffix when not given.

        An existing file is refused unless `force`; `ops` adds one row or node per op to
        the CSV and DOT formats.
        """
        from jupyter_scope.export.write import export

        return export(self, path, format, force=force, ops=ops)

    def diff(
        self, other: ScopeReport, labels: tuple[str | None, str | None] = (None, None)
    ) -> ReportDiff:
        """What changed from this report to `other`; `labels` name the two (by default
        their names, else their cells, else A and B)."""
        from jupyter_scope.analysis.diff import diff_reports

        return diff_reports(self, other, labels)

    def match(self, other: ScopeReport) -> Match:
        """This report's variables against `other`'s, usually a loaded checkpoint's
        (`jupyter_scope.load`): missing, unexpected, mismatched, and an `assignment_map`."""
        from jupyter_scope.analysis.match import match_reports

        return match_reports(self, other)

    # -- displays ------------------------------------------------------------------------

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        from jupyter_scope.present.bundle import mimebundle

        return mimebundle(self)

    def __repr__(self) -> str:
        s = self.summary()
        return (
            f"<ScopeReport: {s['variables']} variables ({s['created']} created, "
            f"{s['reused']} reused), {s['ops']} ops, {len(self.diagnostics)} diagnostics>"
        )
