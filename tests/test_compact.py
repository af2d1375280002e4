"""The widget's compact form (`notebook/compact.py`) holds the whole document: read back
as the front end reads it (`labextension/src/tree/ops.ts`), it gives the same nodes and
edges. That the front end draws the same tree from both forms is its own tests' part
(they read `tests/data/golden/compact.json`)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from jupyter_scope.notebook.compact import compact
from tests.test_golden import GOLDEN, SOURCES


def golden(name: str) -> dict[str, Any]:
    return json.loads((GOLDEN / f"{name}.json").read_text())


def read_back(doc: dict[str, Any]) -> dict[str, Any]:
    c = doc["ops"]
    s = c["strings"]
    ops = []
    for i, local in enumerate(c["name"]):
        scope = s[c["scope"][i]]
        name = local[1:] if local.startswith("/") else f"{scope}/{local}" if scope else local
        columns = {key: s[c[key][i]] for key in ("type", "device_requested", "device", "graph")}
        op = {"id": c["ids"].get(str(i), f"op:{i}"), "kind": "op", "name": name, "scope": scope}
        ops.append({**op, **columns, **c["extra"].get(str(i), {})})
    edges = list(doc["graph"]["edges"])
    edges += [
        {"source": s[parent], "target": op["id"], "kind": "contains"}
        for parent, op in zip(c["parent"], ops, strict=True)
        if s[parent] is not None
    ]
    pairs = zip(c["inputs"][::2], c["inputs"][1::2], strict=True)
    edges += [{"source": ops[a]["id"], "target": ops[b]["id"], "kind": "input"} for a, b in pairs]
    rest = {key: value for key, value in doc.items() if key != "ops"}
    return {**rest, "graph": {**doc["graph"], "nodes": doc["graph"]["nodes"] + ops, "edges": edges}}


def canonical(items: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps(item, sort_keys=True) for item in items)


@pytest.mark.parametrize("name", SOURCES)
def test_compact_form_reads_back_as_the_document(name):
    doc = golden(name)
    back = read_back(compact(doc))
    for part in ("nodes", "edges"):
        assert canonical(back["graph"][part]) == canonical(doc["graph"][part])
    assert {k: v for k, v in back.items() if k != "graph"} == {
        k: v for k, v in doc.items() if k != "graph"
    }


def test_ops_are_columns_in_the_documents_order_with_ids_only_where_not_numbered():
    numbered = compact(golden("numbered"))
    assert not any(node["kind"] == "op" for node in numbered["graph"]["nodes"])
    ops = numbered["ops"]
    assert ops["ids"] == {}
    assert ops["extra"] == {"1": {"tf_name": "add"}, "2": {"colocated": True}}
    assert ops["name"] == ["Conv2D", "add", "Relu"] * 2
    assert ops["inputs"] == [0, 1]
    # Ids spelled `op:<graph>:<name>` (reports written before ids were numbered) stay whole.
    assert compact(golden("sample"))["ops"]["ids"]["1"] == "op:g0:image_filters/conv1/add"
