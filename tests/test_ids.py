"""Node ids. Reports number the nodes of each kind in the document's order (`scope:<n>`,
parents first, so the root is `scope:0`; `var:<n>`; `op:<n>`) and carry names as fields.
Documents written before, whose ids held the names (`scope:<name>`,
`var:<graph>:<name>`, `op:<graph>:<name>`), load and show the same: nothing reads a
name out of an id."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import jupyter_scope
from jupyter_scope import ScopeReport
from jupyter_scope.export import write
from jupyter_scope.present import html_tree, text_tree
from tests.helpers import slot_links

PREFIX = {"scope": "scope", "variable": "var", "op": "op"}


def record_model(tf: Any, v1: Any) -> tuple[ScopeReport, Any, list[Any]]:
    """A TF1 layer built twice in one variable scope (reuse, and TF's `net_1` name scope
    linked to it), trained with Adam (slots), then two eager variables of one name.
    Returns the report, the graph and the eager variables (kept alive)."""
    with jupyter_scope.record() as rec:
        graph = tf.Graph()
        with graph.as_default():
            x = v1.placeholder(tf.float32, [1, 3])
            y = x
            for reuse in (False, True):
                with v1.variable_scope("net", reuse=reuse):
                    y = tf.nn.relu(tf.matmul(y, v1.get_variable("w", [3, 3])))
            v1.train.AdamOptimizer().minimize(tf.reduce_sum(y))
        eager = [tf.Variable(1.0, name="v"), tf.Variable(2.0, name="v")]
    return rec.report, graph, eager


def earlier_ids(document: dict[str, Any]) -> dict[str, Any]:
    """The document with its ids as jupyter-scope wrote them before it numbered them (the
    recorder's variable keys: `#<n>` for the n-th eager variable of a name), and without
    the display section, which a reader computes again."""
    taken: Counter[str] = Counter()
    ids = {}
    for node in document["graph"]["nodes"]:
        if node["kind"] == "scope":
            ids[node["id"]] = f"scope:{node['name']}"
        elif node["kind"] == "variable":
            key = f"{node['graph']}:{node['name']}"
            taken[key] += 1
            ids[node["id"]] = f"var:{key}" + (f"#{taken[key]}" if taken[key] > 1 else "")
        else:
            ids[node["id"]] = f"op:{node['graph']}:{node.get('tf_name') or node['name']}"
    old = json.loads(json.dumps(document))
    del old["display"]
    for node in old["graph"]["nodes"]:
        node["id"] = ids[node["id"]]
        for field in ("slot_of", "component_of"):
            if field in node:
                node[field] = ids[node[field]]
        if "components" in node:
            node["components"] = [ids[c] for c in node["components"]]
    for edge in old["graph"]["edges"]:
        edge["source"], edge["target"] = ids[edge["source"]], ids[edge["target"]]
    return old


def test_ids_number_each_kind_in_the_documents_order(tf, v1):
    report, graph, _ = record_model(tf, v1)
    nodes = report.to_dict()["graph"]["nodes"]
    seen: Counter[str] = Counter()
    for node in nodes:
        prefix = PREFIX[node["kind"]]
        assert node["id"] == f"{prefix}:{seen[prefix]}"
        seen[prefix] += 1
    assert nodes[0]["id"] == "scope:0" and nodes[0]["name"] == ""
    # The edges still join what TF joined: each op of the graph to the ops whose outputs
    # it takes.
    names = {node["id"]: node["name"] for node in nodes if node.get("graph") != "eager"}
    edges = report.graph.edges(data="kind")
    inputs = {(names[u], names[v]) for u, v, k in edges if k == "input" and v in names}
    truth = {(t.op.name, op.name) for op in graph.get_operations() for t in op.inputs}
    assert inputs == truth


def test_a_document_with_the_earlier_ids_shows_the_same(tf, v1):
    new, _, _ = record_model(tf, v1)
    document = new.to_dict()
    old = ScopeReport.from_dict(earlier_ids(document))
    assert set(old.graph) & set(new.graph) == set()  # no id in common
    assert "scope:net" in old.graph and "var:eager:v#2" in old.graph
    # The same tree, totals, displays and exports.
    assert old.summary() == new.summary()
    assert {s["name"]: s for s in old.scopes} == {
        s["name"]: {**s, "id": f"scope:{s['name']}"} for s in new.scopes
    }
    assert text_tree.render(old) == text_tree.render(new)
    assert html_tree.render(old) == html_tree.render(new)
    for format in ("md", "csv"):
        assert write.render(old, format) == write.render(new, format)
    ids = dict(zip(new.graph, old.graph, strict=True))
    shown = {
        ids[node]: {**entry, **({"owner": ids[entry["owner"]]} if "owner" in entry else {})}
        for node, entry in new.display["nodes"].items()
    }
    assert any("owner" in entry for entry in shown.values())  # `w/Initializer` → `w`
    assert old.display == {**new.display, "nodes": shown}
    # Compared by name, the two are one report.
    assert new.diff(old).same
    assert old.match(new).all_matched


def test_a_match_tree_links_the_other_reports_slots_by_name(tf, v1):
    """The ids of two reports are unrelated: a slot of the other report's that the match
    tree shows is linked to its variable by the variable's name."""
    with jupyter_scope.record() as plain, tf.Graph().as_default():
        v1.get_variable("extra", [3])  # `var:0` here; `w` is `var:0` in the other
        v1.get_variable("w", [3])
    with jupyter_scope.record() as trained, tf.Graph().as_default():
        w = v1.get_variable("w", [3])
        optimizer = v1.train.AdamOptimizer()
        optimizer.minimize(tf.reduce_sum(w))
    match = plain.report.match(trained.report)
    truth = {(optimizer.get_slot(w, s).op.name, w.op.name, s) for s in optimizer.get_slot_names()}
    assert slot_links(match.tree.variables) == truth and len(truth) == 2
