"""Helpers shared by the test modules: looking things up in reports, in exports and on pages.

Fixtures stay in `conftest.py`; reports made without TensorFlow come from `report_factory.py`.
Import these as `from tests.helpers import ...` (pytest runs from the repository's root).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jupyter_scope import ScopeReport


def by_name(report: ScopeReport, name: str) -> dict:
    """The one variable of a report with this name."""
    found = [v for v in report.variables if v["name"] == name]
    assert len(found) == 1, f"{name}: {len(found)} variables in the report"
    return found[0]


def codes(report: ScopeReport) -> list[str]:
    """The codes of a report's diagnostics, in order."""
    return [d["code"] for d in report.diagnostics]


def slot_links(variables: list[dict]) -> set[tuple[str, str, str]]:
    """(slot's name, its variable's name, slot name) of every optimizer slot listed."""
    by_id = {v["id"]: v for v in variables}
    return {
        (v["name"], by_id[v["slot_of"]]["name"], v["slot"]) for v in variables if "slot_of" in v
    }


def variables_by_name(report: ScopeReport) -> dict[str, dict]:
    """All variables of a report, by name."""
    return {v["name"]: v for v in report.variables}


def nodes_by_code(report: ScopeReport) -> dict[str, list[list[str]]]:
    """Diagnostic code → the nodes of each diagnostic with that code."""
    found: dict[str, list[list[str]]] = {}
    for diagnostic in report.diagnostics:
        found.setdefault(diagnostic["code"], []).append(diagnostic["nodes"])
    return found


def shown_names(page) -> list[str]:
    """The names of the rows a scope tree shows."""
    return page.eval_on_selector_all(
        ".jp-Scope-row[data-name]", "rows => rows.map(r => r.dataset.name)"
    )


def read_graphml(path: Path) -> dict[str, Any]:
    """A GraphML export read by networkx, with its JSON-encoded attributes decoded:
    `{"graph": {...}, "nodes": {id: {...}}, "edges": {(source, target): {...}}}`."""
    import networkx as nx

    loaded = nx.read_graphml(path)
    encoded = {"meta", "diagnostics", *loaded.graph["json_attributes"].split(",")}

    def decode(data: dict) -> dict:
        return {k: json.loads(v) if k in encoded else v for k, v in data.items()}

    return {
        "graph": decode(loaded.graph),
        "nodes": {n: decode(d) for n, d in loaded.nodes(data=True)},
        "edges": {(u, v): decode(d) for u, v, d in loaded.edges(data=True)},
    }
