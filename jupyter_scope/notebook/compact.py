"""The widget's compact form of a report document: ops as columns, not node-link lists.

A report of 100,000 ops is mostly ops and their edges. Here every op is a row of
columns, in the document's order: its name relative to its scope, repeated strings
(scope, type, device, graph) as indexes into one table, its id only where it is not
`op:<row>` (reports number their ops so; older ones spell `op:<graph>:<name>`), fields
beyond the columns (`tf_name`, `colocated`) by row, and `input` edges as row pairs; the
`contains` edge of each op becomes its `parent` column. The tree
(`labextension/src/tree/ops.ts`) reads the columns as they are.
"""

from __future__ import annotations

from typing import Any

COLUMNS = ("parent", "scope", "type", "device_requested", "device", "graph")
OP_FIELDS = frozenset({"id", "kind", "name", *COLUMNS[1:]})


def compact(document: dict[str, Any]) -> dict[str, Any]:
    graph = document["graph"]
    ops = [n for n in graph["nodes"] if n["kind"] == "op"]
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
    extra: dict[str, dict[str, Any]] = {}
    for i, op in enumerate(ops):
        row = {**op, "parent": parents.get(op["id"])}
        for name in COLUMNS:
            columns[name].append(ref(row[name]))
        columns["name"].append(relative_name(op["name"], op["scope"]))
        if op["id"] != f"op:{i}":
            ids[str(i)] = op["id"]
        more = {key: value for key, value in op.items() if key not in OP_FIELDS}
        if more:
            extra[str(i)] = more
    kept = [n for n in graph["nodes"] if n["kind"] != "op"]
    return {
        **document,
        "graph": {**graph, "nodes": kept, "edges": edges},
        "ops": {"strings": strings, **columns, "ids": ids, "extra": extra, "inputs": inputs},
    }


def relative_name(name: str, scope: str) -> str:
    """The name below its scope; a name that is not below it is kept whole, after a `/`."""
    if not scope:
        return "/" + name if name.startswith("/") else name
    return name[len(scope) + 1 :] if name.startswith(scope + "/") else "/" + name
