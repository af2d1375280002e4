"""The versioned JSON document: `{"schema", "meta", "graph", "diagnostics"}`.

`schema.json` beside this file is the contract; `from_document` validates against it so
that a bad file is refused with a message naming the problem, not half-loaded.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
import networkx as nx

SCHEMA_MAJOR = 1
SCHEMA_MINOR = 1  # 1.1 added `display`; a 1.0 document is read and gets it anew
SCHEMA_ID = f"jupyter-scope.report/{SCHEMA_MAJOR}.{SCHEMA_MINOR}"


class ReportFormatError(ValueError):
    """A document that is not a valid jupyter-scope report."""


@cache
def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads(resources.files(__package__).joinpath("schema.json").read_text())
    return jsonschema.Draft202012Validator(schema)


def to_document(graph: nx.DiGraph, meta: dict, diagnostics: list[dict]) -> dict[str, Any]:
    return {
        "schema": SCHEMA_ID,
        "meta": meta,
        "graph": nx.node_link_data(graph, edges="edges"),
        "diagnostics": diagnostics,
    }


def parse(text: str | bytes) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportFormatError(
            f"not a jupyter-scope report: invalid JSON at line {exc.lineno}, "
            f"column {exc.colno}: {exc.msg}"
        ) from None


def _check_version(data: Any) -> None:
    if not isinstance(data, dict):
        raise ReportFormatError(
            f"not a jupyter-scope report: expected a JSON object, got {type(data).__name__}"
        )
    schema = data.get("schema")
    if not isinstance(schema, str) or not schema.startswith("jupyter-scope.report/"):
        raise ReportFormatError(
            f"not a jupyter-scope report: 'schema' is {schema!r}, expected {SCHEMA_ID!r}"
        )
    major = schema.rsplit("/", 1)[1].split(".", 1)[0]
    if major != str(SCHEMA_MAJOR):
        raise ReportFormatError(
            f"unsupported report version {schema!r}: this jupyter-scope reads "
            f"{SCHEMA_ID!r} documents only"
        )


def validate(data: Any) -> None:
    """Raise `ReportFormatError` naming the first problem of a document, if it has any."""
    _check_version(data)
    error = jsonschema.exceptions.best_match(_validator().iter_errors(data))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(document root)"
        raise ReportFormatError(f"invalid jupyter-scope report at {where}: {error.message}")
    ids = {node["id"] for node in data["graph"]["nodes"]}
    if len(ids) != len(data["graph"]["nodes"]):
        raise ReportFormatError("invalid jupyter-scope report: node ids are not unique")
    for edge in data["graph"]["edges"]:
        for end in ("source", "target"):
            if edge[end] not in ids:
                raise ReportFormatError(
                    f"invalid jupyter-scope report: an edge's {end} {edge[end]!r} is not a node"
                )


def from_document(data: Any) -> tuple[nx.DiGraph, dict, list[dict]]:
    validate(data)
    graph = nx.node_link_graph(data["graph"], directed=True, multigraph=False, edges="edges")
    return graph, data["meta"], data["diagnostics"]
