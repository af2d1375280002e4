"""The dataflow view's truth: a real TF graph with a reused variable and a `tf.function`,
recorded, and the edges TF itself draws (`op.inputs`, in the graph and in the function's
graph) between the ops of each scope the front end's flow model is tested on.

`tests/data/golden/flow.json` holds the report (plain and compact) and, per scope, the
pairs `[producer, consumer, producer's output shape]` a flow of that scope with every box
open must draw (`labextension/test/flow-graph.test.ts`): TF's pairs with a consumer in
the scope, or a producer in it and a consumer outside, where neither end is a variable's
own op (`w`, `w/Read/…`), whose edges the variable's one node stands for. Set
JUPYTER_SCOPE_UPDATE_GOLDEN=1 to rewrite it; the test checks it against TF on every run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jupyter_scope
from jupyter_scope.notebook.compact import compact
from jupyter_scope.present import human

GOLDEN = Path(__file__).parent / "data" / "golden" / "flow.json"
UPDATE = __import__("os").environ.get("JUPYTER_SCOPE_UPDATE_GOLDEN") == "1"
SCOPES = ("", "model", "model/enc/layer", "model/StatefulPartitionedCall")


def record(tf: Any, v1: Any) -> tuple[Any, dict[str, Any], list[tuple[str, Any]]]:
    """Two blocks sharing `model/layer/w` (created, then reused) and a `tf.function` head
    reading `model/scale` through its capture. Returns the report, its document and each
    TF graph with the key the report gives it."""
    g = tf.Graph()
    with g.as_default(), jupyter_scope.record() as rec:
        h = v1.placeholder(tf.float32, [None, 4], name="x")
        with v1.variable_scope("model"):
            for part in ("enc", "dec"):
                with tf.name_scope(part), v1.variable_scope("layer", reuse=v1.AUTO_REUSE):
                    w = v1.get_variable("w", [4, 4])
                    h = tf.nn.relu(tf.matmul(h, w))
            scale = v1.get_variable("scale", [], initializer=v1.ones_initializer())

            @tf.function
            def head(t: Any) -> Any:
                with tf.name_scope("head"):
                    return tf.reduce_sum(t * scale, axis=1)

            head(h)
            body = head.get_concrete_function(h).graph
    report = rec.report
    document = report.to_dict()
    document["meta"]["wall_time"] = 0.0
    keys = {g["kind"]: g["key"] for g in report.meta["graphs"]}
    return report, document, [(keys["graph"], g), (keys["function"], body)]


def tf_pairs(report: Any, graphs: list[tuple[str, Any]]) -> list[tuple[str, str, str]]:
    """Every `op.inputs` pair of TF's graphs, by the names the tree gives the ops (a
    function's ops nest under the op that calls it), with the producer's output shape."""
    tree_name = {(o["graph"], o.get("tf_name") or o["name"]): o["name"] for o in report.ops}
    pairs = []
    for key, graph in graphs:
        for op in graph.get_operations():
            for t in op.inputs:
                outputs = t.op.outputs
                shape = (
                    human.shape(
                        outputs[0].shape.as_list() if outputs[0].shape.rank is not None else None
                    )
                    if len(outputs) == 1
                    else f"×{len(outputs)}"
                )
                pairs.append((tree_name[key, t.op.name], tree_name[key, op.name], shape))
    return pairs


def drawn(pairs: list[tuple[str, str, str]], scope: str, variables: set[str]) -> list[list[str]]:
    """The pairs a flow of `scope` draws, sorted."""

    def inside(name: str) -> bool:
        return not scope or name == scope or name.startswith(scope + "/")

    def own(name: str) -> bool:
        return any(name == v or name.startswith(v + "/") for v in variables)

    out = {
        (p, c, shape)
        for p, c, shape in pairs
        if (inside(c) and not own(c)) or (inside(p) and not own(p) and not inside(c))
    }
    return [list(pair) for pair in sorted(out)]


def test_flow_golden_holds_tfs_own_edges(tf, v1):
    report, document, graphs = record(tf, v1)
    variables = {v["name"] for v in report.variables}
    pairs = tf_pairs(report, graphs)
    expected = {scope: drawn(pairs, scope, variables) for scope in SCOPES}
    # The scopes tested draw edges of every kind: in and out of the scope, and in the body.
    assert ["x", "model/enc/layer/MatMul", "[?,4]"] in expected["model/enc/layer"]
    assert ["model/enc/layer/Relu", "model/dec/layer/MatMul", "[?,4]"] in expected[
        "model/enc/layer"
    ]
    body = expected["model/StatefulPartitionedCall"]
    assert [
        "model/StatefulPartitionedCall/head/mul",
        "model/StatefulPartitionedCall/head/Sum",
        "[?,4]",
    ] in body
    # Every input edge of the report is one of TF's pairs, and every pair an edge.
    names = {n["id"]: n["name"] for n in document["graph"]["nodes"]}
    edges = {
        (names[e["source"]], names[e["target"]])
        for e in document["graph"]["edges"]
        if e["kind"] == "input"
    }
    assert edges == {(p, c) for p, c, _ in pairs}
    golden = {"document": document, "compact": compact(document), "pairs": expected}
    if UPDATE or not GOLDEN.exists():
        GOLDEN.write_text(json.dumps(golden, indent=1, ensure_ascii=False) + "\n", "utf-8")
    saved = json.loads(GOLDEN.read_text("utf-8"))
    assert saved["pairs"] == expected, f"{GOLDEN.name} is stale: see this module"
    saved_names = {n["id"]: n["name"] for n in saved["document"]["graph"]["nodes"]}
    saved_edges = {
        (saved_names[e["source"]], saved_names[e["target"]], e["kind"])
        for e in saved["document"]["graph"]["edges"]
        if e["kind"] != "contains"
    }
    assert saved_edges == {
        (names[e["source"]], names[e["target"]], e["kind"])
        for e in document["graph"]["edges"]
        if e["kind"] != "contains"
    }
