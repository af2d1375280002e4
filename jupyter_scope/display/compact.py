"""The widget's compact form of a report document: ops as columns, not node-link lists.

A report of 100,000 ops is mostly ops and their edges. Here op names are stored relative
to their scope, repeated strings (scope, type, device, graph) as indexes into one table,
ids only where they are not `op:<graph>:<name>`, and `input` edges as index pairs; the
`contains` edge of each op becomes its `parent` column. `labextension/src/tree/compact.ts`
turns it back into the plain document. Ops with fields beyond the schema's stay plain.
"""

from __future__ import annotations

from typing import Any

OP_FIELDS = frozenset(
    {"id", "kind", "name", "type", "scope", "device_requested", "device", "graph"}
)
COLUMNS = ("parent", "scope", "type", "device_requested", "device", "graph")


def compact(document: dict[str, Any]) -> dict[str, Any]:
    graph = document["graph"]
    ops = [n for n in graph["nodes"] if n["kind"] == "op" and n.keys() == OP_FIELDS]
    index = {op["id"]: i for i, op in enumerate(ops)}
    parents: dict[str, str] = {}
    edges: list[dict[str, Any]] = []
    inputs: list[int] = []
    for edge in graph["edges"]:
        source, target, kind = edge["source"], edge["target"], edge["kind"]
        if kind == "contains" and target in index and target not in parents:
            parents[target] = source
        elif kind == "input" and source in index and target in index:
            inputs += (index[source], index[target])
        else:
            edges.append(edge)
    strings: list[str | None] = [None]
    refs: dict[str | None, int] = {None: 0}

    def ref(value: str | None) -> int:
        if value not in refs:
            refs[value] = len(strings)
            strings.append(value)
        return refs[value]

    columns: dict[str, list[Any]] = {name: [] for name in (*COLUMNS, "name")}
    ids: dict[str, str] = {}
    for i, op in enumerate(ops):
        row = {**op, "parent": parents.get(op["id"])}
        for name in COLUMNS:
            columns[name].append(ref(row[name]))
        columns["name"].append(relative_name(op["name"], op["scope"]))
        if op["id"] != f"op:{op['graph']}:{op['name']}":
            ids[str(i)] = op["id"]
    kept = [n for n in graph["nodes"] if n["kind"] != "op" or n["id"] not in index]
    return {
        **document,
        "graph": {**graph, "nodes": kept, "edges": edges},
        "ops": {"strings": strings, **columns, "ids": ids, "inputs": inputs},
    }


def relative_name(name: str, scope: str) -> str:
    """The name below its scope; a name that is not below it is kept whole, after a `/`."""
    if not scope:
        return "/" + name if name.startswith("/") else name
    return name[len(scope) + 1 :] if name.startswith(scope + "/") else "/" + name
