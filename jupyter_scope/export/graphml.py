"""`graphml`: the report graph for networkx, Gephi and yEd.

Scalars keep their GraphML types (`string`, `long`, `boolean`, `double`). Lists and
dicts, which GraphML cannot type, become JSON strings; the graph attribute
`json_attributes` names them so a reader can decode them. `None` is left out (GraphML's
missing value). The graph carries the document's `schema`, `meta` and `diagnostics` as
JSON strings. XML 1.0 cannot hold most control characters (not even as `&#1;`):
in names and other text they are written as U+FFFD; the JSON export keeps them.
"""

from __future__ import annotations

import json
import re
from typing import Any

import networkx as nx

from jupyter_scope.document.codec import SCHEMA_ID
from jupyter_scope.model.report import ScopeReport

NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: Any) -> Any:
    """A string with what XML 1.0 forbids replaced by U+FFFD; other values unchanged."""
    return NOT_XML.sub("\ufffd", value) if isinstance(value, str) else value


def graphml_attributes(data: dict[str, Any], encoded: set[str]) -> dict[str, Any]:
    attributes = {}
    for key, value in data.items():
        if isinstance(value, list | dict):
            encoded.add(key)
            attributes[key] = json.dumps(value)
        elif value is not None:
            attributes[key] = xml_text(value)
    return attributes


def render(report: ScopeReport) -> str:
    encoded: set[str] = set()
    graph = nx.DiGraph()
    graph.add_nodes_from(
        (xml_text(node), graphml_attributes(data, encoded))
        for node, data in report.graph.nodes(data=True)
    )
    graph.add_edges_from(
        (xml_text(u), xml_text(v), graphml_attributes(data, encoded))
        for u, v, data in report.graph.edges(data=True)
    )
    graph.graph.update(
        schema=SCHEMA_ID,
        meta=json.dumps(report.meta),
        diagnostics=json.dumps(report.diagnostics),
        json_attributes=",".join(sorted(encoded)),
    )
    lines = nx.generate_graphml(graph, encoding="utf-8")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + "\n".join(lines) + "\n"
