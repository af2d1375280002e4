"""A report document as columns, the form a notebook output saves (`packed.py`) compressed.

Lossless: `decode(encode(doc))` is the document, key order included, and `packed.pack`
keeps this form only when that holds for the document at hand. What makes it small:

- Nodes are grouped by kind, one column per field over the nodes that have it, and each
  node's keys, in order, as an index into a table of key lists (`shape`).
- A column is the values as they are (`raw`), distinct values and an index per row
  (`tab`), integers as differences from the row before (`int`), ids numbered in order
  (`seq`: `op:0`, `op:1`, …), a path after another (`path`: an op's name after its scope,
  a scope's after its parent's, the row's `base` column or the column's own value `back`
  rows before), or another column's value by its row (`ref`: an op's scope as the row of
  that scope's node).
- Edges are listed by source, as networkx writes them: each node's count of edges, then
  each edge's target (as the difference from the edge before it, the first from its
  source) and kind. The `contains` edges need nothing where they are what the names say
  (each node in the scope its `scope` field or, for a scope, its name's parent path
  names, a scope's children in node order, before its other edges).
- `display.nodes` is the same columns over its entries, by kind, with the node of each.

`labextension/src/tree/columns.ts` decodes it as `decode` does here.
"""

from __future__ import annotations

import json
from collections import Counter
from itertools import pairwise
from typing import Any

FORMAT = 1
EDGE_FIELDS = {"source", "target", "kind"}
# Columns an encoder tries `ref` against: (kind, field) whose values are distinct.
REF_TARGETS = (("scope", "name"), ("scope", "id"), ("variable", "id"), ("op", "id"))

Column = list[Any]


# -- encoding -------------------------------------------------------------------------


def encode(document: dict[str, Any]) -> dict[str, Any]:
    """The columns of a document (`graph` in networkx node-link form)."""
    graph = document["graph"]
    nodes: list[dict[str, Any]] = graph["nodes"]
    kinds = [node["kind"] for node in nodes]
    groups = _by_kind(nodes, kinds)
    lookups = _lookups(groups)
    encoded = {kind: _group(rows, kind, lookups) for kind, rows in groups.items()}
    rest = {**document, "graph": {**graph, "nodes": [], "edges": []}}
    payload: dict[str, Any] = {
        "columns": FORMAT,
        "kinds": _runs(kinds),
        "nodes": encoded,
        "edges": _edges(graph["edges"], nodes),
    }
    display = document.get("display")
    if isinstance(display, dict) and isinstance(display.get("nodes"), dict):
        shown = _shown(display["nodes"], nodes, kinds, lookups)
        if shown is not None:
            rest["display"] = {**display, "nodes": {}}
            payload["shown"] = shown
    payload["rest"] = rest
    return payload


def _by_kind(nodes: list[dict[str, Any]], kinds: list[str]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for node, kind in zip(nodes, kinds, strict=True):
        groups.setdefault(kind, []).append(node)
    return groups


def _runs(values: list[str]) -> list[list[Any]]:
    runs: list[list[Any]] = []
    for value in values:
        if runs and runs[-1][0] == value:
            runs[-1][1] += 1
        else:
            runs.append([value, 1])
    return runs


def _lookups(groups: dict[str, list[dict[str, Any]]]) -> dict[tuple[str, str], dict[str, int]]:
    """For each `REF_TARGETS` column whose values are distinct strings: value → row."""
    lookups = {}
    for kind, field in REF_TARGETS:
        values = [row.get(field) for row in groups.get(kind, [])]
        strings = [v for v in values if isinstance(v, str)]
        if values and len(strings) == len(values) and len(set(strings)) == len(strings):
            lookups[(kind, field)] = {v: i for i, v in enumerate(strings)}
    return lookups


def _group(
    rows: list[dict[str, Any]], kind: str, lookups: dict[tuple[str, str], dict[str, int]]
) -> dict[str, Any]:
    shapes: dict[tuple[str, ...], int] = {}
    shape = [shapes.setdefault(tuple(row), len(shapes)) for row in rows]
    fields = list(dict.fromkeys(key for keys in shapes for key in keys))
    values = {field: [row[field] for row in rows if field in row] for field in fields}
    columns = {}
    for field in fields:
        columns[field] = _column(values[field], field, rows, kind, lookups)
    return {
        "n": len(rows),
        "keys": [list(keys) for keys in shapes],
        "shape": shape if len(shapes) > 1 else [],
        "columns": columns,
    }


def _column(
    values: list[Any],
    field: str,
    rows: list[dict[str, Any]],
    kind: str,
    lookups: dict[tuple[str, str], dict[str, int]],
) -> Column:
    if not values:
        return ["raw", []]
    if all(type(v) is int for v in values):
        return ["int", _deltas(values)]
    if all(type(v) is str for v in values):
        return _strings(values, field, rows, kind, lookups)
    return _table(values)


def _deltas(values: list[int]) -> list[int]:
    return [value - before for before, value in zip([0, *values], values, strict=False)]


def _table(values: list[Any]) -> Column:
    """Distinct values (by their JSON text: 1, 1.0 and true differ) and each row's index,
    most used first."""
    keys = [_key(v) for v in values]
    order = {key: i for i, (key, _) in enumerate(Counter(keys).most_common())}
    table: list[Any] = [None] * len(order)
    for key, value in zip(keys, values, strict=True):
        table[order[key]] = value
    return ["tab", table, [order[key] for key in keys]]


_TEXT = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def _key(value: Any) -> Any:
    if value is None or type(value) in (str, int, float, bool):
        return (type(value), value)
    return _TEXT(value)


def _strings(
    values: list[str],
    field: str,
    rows: list[dict[str, Any]],
    kind: str,
    lookups: dict[tuple[str, str], dict[str, int]],
) -> Column:
    seq = _seq(values)
    if seq is not None:
        return seq
    for target in REF_TARGETS:
        lookup = lookups.get(target)
        if target != (kind, field) and lookup is not None and all(v in lookup for v in values):
            return ["ref", *target, _deltas([lookup[v] for v in values])]
    if len(set(values)) * 2 <= len(values):
        return _table(values)
    if len(values) == len(rows) and field != "scope":
        bases = [row.get("scope") for row in rows]
        strings = [b for b in bases if isinstance(b, str)]
        if len(strings) == len(bases):
            return _path_after(values, strings)
    column = _path_back(values)
    return column if any(column[2]) else ["raw", values]


def _seq(values: list[str]) -> Column | None:
    prefix, _, start = values[0].rpartition(":")
    if not (start.isascii() and start.isdigit()) or str(int(start)) != start:
        return None
    first = int(start)
    if all(v == f"{prefix}:{first + i}" for i, v in enumerate(values)):
        return ["seq", f"{prefix}:", first]
    return None


def joined(base: str, local: str) -> str:
    """A path below `base` (the root scope's name is "")."""
    return f"{base}/{local}" if base else local


def _below(value: str, base: str) -> str | None:
    """The part of `value` below `base`, if `joined` gives it back."""
    if not base:
        return value
    return value[len(base) + 1 :] if value.startswith(base + "/") else None


def _path_after(values: list[str], bases: list[str]) -> Column:
    """Each value as its row's `scope` and what is below it (flag 1), else whole (0)."""
    flags, locals_ = [], []
    for value, base in zip(values, bases, strict=True):
        local = _below(value, base)
        flags.append(0 if local is None else 1)
        locals_.append(value if local is None else local)
    return ["path", "scope", flags, locals_]


def _path_back(values: list[str]) -> Column:
    """Each value as an earlier value of the column (so many rows back) and what is below
    it (0: whole): a scope's name after its parent's."""
    rows: dict[str, int] = {}
    backs, locals_ = [], []
    for i, value in enumerate(values):
        parent = value.rpartition("/")[0] if "/" in value else ""
        row = rows.get(parent)
        local = None if row is None else _below(value, parent)
        if row is None or local is None or parent == value:
            backs.append(0)
            locals_.append(value)
        else:
            backs.append(i - row)
            locals_.append(local)
        rows.setdefault(value, i)
    return ["path", None, backs, locals_]


def _edges(edges: list[dict[str, Any]], nodes: list[dict[str, Any]]) -> dict[str, Any]:
    """The edges by source; as they are where they are not listed so (or carry more)."""
    index = {node["id"]: i for i, node in enumerate(nodes)}
    keys = tuple(edges[0]) if edges else ()
    if set(keys) != EDGE_FIELDS:
        return {"raw": edges}
    triples = []
    for edge in edges:
        if tuple(edge) != keys or edge["source"] not in index or edge["target"] not in index:
            return {"raw": edges}
        triples.append((index[edge["source"]], index[edge["target"]], edge["kind"]))
    if any(a[0] > b[0] for a, b in pairwise(triples)):
        return {"raw": edges}
    others = [t for t in triples if t[2] != "contains"]
    contains = _by_source(others, len(nodes), parents(nodes)) == triples
    explicit = others if contains else triples
    degree = [0] * len(nodes)
    targets = []
    last: dict[int, int] = {}
    for source, target, _ in explicit:
        degree[source] += 1
        targets.append(target - last.get(source, source))
        last[source] = target
    return {
        "keys": list(keys),
        "contains": contains,
        "degree": degree,
        "target": targets,
        "kind": _table([kind for _, _, kind in explicit]),
    }


def parents(nodes: list[dict[str, Any]]) -> list[int | None]:
    """Each node's scope as the names say: the scope node named by its `scope` field or,
    for a scope, by its name's parent path (none for the root, named "")."""
    scopes: dict[str, int] = {}
    for i, node in enumerate(nodes):
        if node.get("kind") == "scope" and isinstance(node.get("name"), str):
            scopes.setdefault(node["name"], i)
    found: list[int | None] = []
    for node in nodes:
        name = node.get("name")
        if node.get("kind") != "scope":
            path = node.get("scope")
        elif isinstance(name, str) and name:
            path = name.rpartition("/")[0]
        else:
            path = None
        found.append(scopes.get(path) if isinstance(path, str) else None)
    return found


def _by_source(
    explicit: list[tuple[int, int, str]], n: int, parent: list[int | None]
) -> list[tuple[int, int, str]]:
    """The edges: each source's derived `contains` edges, children in node order, then
    its explicit ones."""
    children: list[list[int]] = [[] for _ in range(n)]
    for child, p in enumerate(parent):
        if p is not None:
            children[p].append(child)
    out: list[tuple[int, int, str]] = []
    k = 0
    for source in range(n):
        out += [(source, child, "contains") for child in children[source]]
        while k < len(explicit) and explicit[k][0] == source:
            out.append(explicit[k])
            k += 1
    return out


def _shown(
    entries: dict[str, Any],
    nodes: list[dict[str, Any]],
    kinds: list[str],
    lookups: dict[tuple[str, str], dict[str, int]],
) -> dict[str, Any] | None:
    """`display.nodes` as columns by kind, with each entry's node; None where an entry is
    no node's or they are not in node order."""
    index = {node["id"]: i for i, node in enumerate(nodes)}
    rows = [index.get(key) for key in entries]
    if any(r is None for r in rows) or any(not isinstance(e, dict) for e in entries.values()):
        return None
    found = [r for r in rows if r is not None]
    if any(a >= b for a, b in pairwise(found)):
        return None
    groups: dict[str, list[dict[str, Any]]] = {}
    for row, entry in zip(found, entries.values(), strict=True):
        groups.setdefault(kinds[row], []).append(entry)
    return {
        "rows": _deltas(found),
        "nodes": {kind: _group(group, kind, lookups) for kind, group in groups.items()},
    }


# -- decoding -------------------------------------------------------------------------


def decode(payload: dict[str, Any]) -> dict[str, Any]:
    """The document of `encode`'s columns. Raises ValueError, KeyError, IndexError or
    TypeError on columns that are not `encode`'s (the caller names the problem)."""
    if payload["columns"] != FORMAT:
        raise ValueError(f"columns format {payload['columns']!r}, not {FORMAT}")
    rest = payload["rest"]
    kinds = [kind for kind, count in payload["kinds"] for _ in range(count)]
    columns = _Columns(payload["nodes"])
    nodes = _take(columns, kinds)
    graph = {**rest["graph"], "nodes": nodes, "edges": _decoded_edges(payload["edges"], nodes)}
    document = {**rest, "graph": graph}
    if "shown" in payload:
        shown = payload["shown"]
        rows = _sums(shown["rows"])
        values = _take(_Columns(shown["nodes"], columns), [kinds[_row(row)] for row in rows])
        by_id = {nodes[row]["id"]: value for row, value in zip(rows, values, strict=True)}
        document["display"] = {**rest["display"], "nodes": by_id}
    return document


def _take(columns: _Columns, kinds: list[str]) -> list[dict[str, Any]]:
    """The rows of each group, in the order `kinds` names their groups."""
    groups = {kind: columns.rows(kind) for kind in columns.groups}
    taken = dict.fromkeys(groups, 0)
    out = []
    for kind in kinds:
        if taken[kind] >= len(groups[kind]):
            raise ValueError(f"fewer {kind} rows than nodes")
        out.append(groups[kind][taken[kind]])
        taken[kind] += 1
    if taken != {kind: len(rows) for kind, rows in groups.items()}:
        raise ValueError("more rows than nodes")
    return out


def _row(i: int) -> int:
    """An index read from columns, refused when negative (Python would count from the end)."""
    if type(i) is not int or i < 0:
        raise IndexError(f"row {i!r}")
    return i


def _decoded_edges(encoded: dict[str, Any], nodes: list[dict[str, Any]]) -> list[Any]:
    if "raw" in encoded:
        return list(encoded["raw"])
    n = len(nodes)
    degree, targets = encoded["degree"], encoded["target"]
    kinds = _Columns.values(encoded["kind"], len(targets))
    if len(degree) != n or sum(degree) != len(targets):
        raise ValueError("edge columns of other lengths than the nodes")
    explicit = []
    k = 0
    for source, count in enumerate(degree):
        last = source
        for _ in range(count):
            last += targets[k]
            explicit.append((source, last, kinds[k]))
            k += 1
    if encoded["contains"]:
        explicit = _by_source(explicit, n, parents(nodes))
    ids = [node["id"] for node in nodes]
    if any(not 0 <= t < n for _, t, _ in explicit):
        raise ValueError("edge to no node")
    keys = encoded["keys"]
    if set(keys) != EDGE_FIELDS or len(keys) != 3:
        raise ValueError(f"edge fields {keys!r}")
    return [
        dict(zip(keys, (fields[key] for key in keys), strict=True))
        for fields in ({"source": ids[s], "target": ids[t], "kind": k} for s, t, k in explicit)
    ]


class _Columns:
    """The rows of groups of columns; a column is decoded when first asked for (a `ref`
    or `path` column needs another one first). `ref` columns refer to `targets`' groups."""

    def __init__(self, groups: dict[str, Any], targets: _Columns | None = None) -> None:
        self.groups = groups
        self.targets = targets or self
        self.done: dict[tuple[str, str], list[Any]] = {}
        self.busy: set[tuple[str, str]] = set()

    def rows(self, kind: str) -> list[dict[str, Any]]:
        group = self.groups[kind]
        keys = group["keys"]
        shape = group["shape"] or [0] * group["n"]
        if len(shape) != group["n"]:
            raise ValueError(f"{kind}: {len(shape)} shapes for {group['n']} rows")
        fields = dict.fromkeys(field for k in keys for field in k)
        columns = {field: iter(self.column(kind, field)) for field in fields}
        return [{field: next(columns[field]) for field in keys[_row(s)]} for s in shape]

    def column(self, kind: str, field: str) -> list[Any]:
        key = (kind, field)
        if key not in self.done:
            if key in self.busy:
                raise ValueError(f"column {kind}.{field} refers to itself")
            self.busy.add(key)
            group = self.groups[kind]
            shapes = Counter(group["shape"]) if group["shape"] else {0: group["n"]}
            count = sum(n for s, n in shapes.items() if field in group["keys"][s])
            values = self.decoded(kind, group["columns"][field], count)
            if len(values) != count:
                raise ValueError(f"column {kind}.{field}: {len(values)} values for {count}")
            self.done[key] = values
        return self.done[key]

    def decoded(self, kind: str, column: Column, count: int) -> list[Any]:
        tag = column[0]
        if tag == "ref":
            values = self.targets.column(column[1], column[2])
            return [values[_row(i)] for i in _sums(column[3])]
        if tag == "path":
            return self.path(kind, column)
        return self.values(column, count)

    @staticmethod
    def values(column: Column, count: int) -> list[Any]:
        tag = column[0]
        if tag == "raw":
            return list(column[1])
        if tag == "int":
            return _sums(column[1])
        if tag == "tab":
            table = column[1]
            if any(isinstance(v, list | dict) for v in table):
                return [fresh(table[_row(i)]) for i in column[2]]
            return [table[_row(i)] for i in column[2]]
        if tag == "seq":
            return [f"{column[1]}{column[2] + i}" for i in range(count)]
        raise ValueError(f"unknown column {tag!r}")

    def path(self, kind: str, column: Column) -> list[str]:
        base, refs, locals_ = column[1], column[2], column[3]
        if len(refs) != len(locals_):
            raise ValueError("path column of two lengths")
        if base is not None:
            bases = self.column(kind, base)
            pairs = zip(refs, bases, locals_, strict=True)
            return [joined(b, x) if r else x for r, b, x in pairs]
        out: list[str] = []
        for i, (back, local) in enumerate(zip(refs, locals_, strict=True)):
            if back and not 0 < back <= i:
                raise ValueError("path refers outside its column")
            out.append(joined(out[i - back], local) if back else local)
        return out


def fresh(value: Any) -> Any:
    """A copy of a list or object, as the plain document gives each row its own."""
    if isinstance(value, list):
        return [fresh(v) for v in value]
    if isinstance(value, dict):
        return {k: fresh(v) for k, v in value.items()}
    return value


def _sums(deltas: list[int]) -> list[int]:
    total, out = 0, []
    for d in deltas:
        total += d
        out.append(total)
    return out
