"""TF's own variable-scope semantics (as in TF's variable_scope_test), recorded."""

from __future__ import annotations

import pytest

import jupyter_scope
from tests.helpers import by_name, codes


def test_reentered_scope_moves_ops_not_variables(tf, v1, graph):
    with jupyter_scope.record() as rec:
        with v1.variable_scope("outer"):
            v1.get_variable("w", [2])
            first = tf.constant(1.0, name="c")
        with v1.variable_scope("outer", reuse=True):
            v1.get_variable("w", [2])
            second = tf.constant(1.0, name="c")
    assert (first.op.name, second.op.name) == ("outer/c", "outer_1/c")
    scopes = {s["name"]: s for s in rec.report.scopes}
    assert scopes["outer"]["links"] == ["outer_1"]
    assert scopes["outer_1"]["links"] == ["outer"]
    assert scopes["outer_1"]["name_scope"] and not scopes["outer_1"]["variable_scope"]
    assert scopes["outer_1"]["n_ops"] == 1 and scopes["outer_1"]["n_variables"] == 0
    assert by_name(rec.report, "outer/w")["reuse_count"] == 1


def test_default_names_are_uniquified(tf, v1, graph):
    with jupyter_scope.record() as rec:
        for _ in range(2):
            with v1.variable_scope(None, default_name="layer"):
                v1.get_variable("w", [1])
    names = sorted(v["name"] for v in rec.report.variables)
    assert names == sorted(v.op.name for v in v1.global_variables()) == ["layer/w", "layer_1/w"]
    scopes = {s["name"]: s for s in rec.report.scopes}
    assert scopes["layer_1"]["variable_scope"]


def test_auxiliary_name_scope_false_opens_no_name_scope(tf, v1, graph):
    with jupyter_scope.record() as rec:
        with v1.variable_scope("outer"):
            with v1.variable_scope("inner", auxiliary_name_scope=False):
                v1.get_variable("w", [1])
                op = tf.constant(1.0, name="c")
    assert op.op.name == "outer/c"
    scopes = {s["name"]: s for s in rec.report.scopes}
    assert scopes["outer/inner"]["variable_scope"]
    assert not scopes["outer/inner"]["name_scope"]
    assert scopes["outer/inner"]["links"] == []
    assert rec.report.diagnostics == []


def test_custom_getter_renames_and_is_recorded(tf, v1, graph):
    def suffixing_getter(getter, name, *args, **kwargs):
        return getter(name + "_custom", *args, **kwargs)

    with jupyter_scope.record() as rec:
        with v1.variable_scope("scope", custom_getter=suffixing_getter):
            v = v1.get_variable("v", [3])
        with v1.variable_scope("scope", custom_getter=suffixing_getter, reuse=True):
            again = v1.get_variable("v", [3])
    assert v.name == "scope/v_custom:0" and again is v
    var = by_name(rec.report, "scope/v_custom")
    assert var["api"] == "get_variable" and var["reuse_count"] == 1


def test_partitioned_variables(tf, v1, graph):
    with jupyter_scope.record() as rec:
        with v1.variable_scope("emb", partitioner=v1.fixed_size_partitioner(3)):
            v1.get_variable("table", [9, 4])
        with v1.variable_scope("emb", reuse=True, partitioner=v1.fixed_size_partitioner(3)):
            v1.get_variable("table", [9, 4])
    names = sorted(v.op.name for v in v1.global_variables())
    assert names == ["emb/table/part_0", "emb/table/part_1", "emb/table/part_2"]
    report = rec.report
    assert sorted(v["name"] for v in report.variables) == names
    for name in names:
        part = by_name(report, name)
        assert part["partition_of"] == "emb/table"
        assert part["shape"] == [3, 4] and part["reuse_count"] == 1
    assert {s["name"]: s for s in report.scopes}["emb"]["params"] == 36


def test_variable_missing_and_shape_mismatch(tf, v1, graph):
    rec = jupyter_scope.record()
    with pytest.raises(ValueError, match="does not exist"), rec:
        with v1.variable_scope("net", reuse=True):
            v1.get_variable("nothing", [1])
    assert codes(rec.report) == ["variable-missing"]
    assert "net/nothing" in rec.report.diagnostics[0]["message"]

    rec = jupyter_scope.record()
    with pytest.raises(ValueError, match="Trying to share variable"), rec:
        with v1.variable_scope("net"):
            v1.get_variable("w", [2, 2])
        with v1.variable_scope("net", reuse=True):
            v1.get_variable("w", [3, 3])
    (diag,) = rec.report.diagnostics
    assert diag["code"] == "shape-mismatch" and diag["nodes"] == ["net/w"]


def test_variable_from_before_the_block_is_reused_not_created(tf, v1, graph):
    with v1.variable_scope("pre"):
        v1.get_variable("w", [4])
    with jupyter_scope.record() as rec, v1.variable_scope("pre", reuse=True):
        v1.get_variable("w", [4])
    var = by_name(rec.report, "pre/w")
    assert var["created"] is False and var["reuse_count"] == 1
    assert [s["kind"] for s in var["sites"]] == ["reuse"]
    assert rec.report.summary()["created"] == 0


def test_forgotten_reuse_of_a_variable_from_before_names_its_creation(tf, v1, graph):
    with v1.variable_scope("pre"):
        v1.get_variable("w", [4])
    line = test_forgotten_reuse_of_a_variable_from_before_names_its_creation.__code__
    rec = jupyter_scope.record()
    with pytest.raises(ValueError), rec, v1.variable_scope("pre"):
        v1.get_variable("w", [4])
    (diag,) = rec.report.diagnostics
    first = diag["sites"][1]  # found from TF's own op traceback
    assert first["file"] == __file__ and first["line"] == line.co_firstlineno + 2


def test_ops_in_a_graph_opened_inside_the_block(tf, v1):
    outer = tf.Graph()
    with outer.as_default(), jupyter_scope.record() as rec:
        tf.constant(0.0, name="outer_const")
        inner = tf.Graph()
        with inner.as_default():
            w = v1.get_variable("w", [2])
            y = tf.identity(w, name="y")
    report = rec.report
    inner_ops = sorted(o["name"] for o in report.ops if o["graph"] == "g1")
    assert inner_ops == sorted(o.name for o in inner.get_operations())
    assert {o["name"] for o in report.ops if o["graph"] == "g0"} == {
        o.name for o in outer.get_operations()
    }
    w = by_name(report, "w")
    assert w["graph"] == "g1"
    readers = {
        report.graph.nodes[t]["name"]
        for _, t, k in report.graph.out_edges(w["id"], data="kind")
        if k == "reads"
    }
    assert y.op.name in readers


def test_input_edges_are_tfs_own_in_every_graph(tf, v1):
    """Op ids are not names: edges must still join TF's producer to its consumer, in its
    own graph, where another graph has ops of the same names."""
    older = tf.Graph()
    with older.as_default():
        before = tf.constant(1.0, name="x")  # not in the report: made before the block
    with older.as_default(), jupyter_scope.record() as rec:
        tf.add(before, 1.0, name="y")
        other = tf.Graph()
        with other.as_default():
            tf.add(tf.constant(1.0, name="x"), tf.constant(2.0, name="two"), name="y")
    report = rec.report
    nodes = report.graph.nodes
    got = {
        (nodes[s]["graph"], nodes[s]["name"], nodes[t]["name"])
        for s, t, kind in report.graph.edges(data="kind")
        if kind == "input"
    }
    expected = set()
    for key, graph, first in (("g0", older, 1), ("g1", other, 0)):
        new = {op.name for op in graph.get_operations()[first:]}
        for op in graph.get_operations()[first:]:
            expected |= {(key, t.op.name, op.name) for t in op.inputs if t.op.name in new}
    assert ("g1", "x", "y") in expected and ("g0", "x", "y") not in expected
    assert got == expected
    assert len(report.ops) == len(older.get_operations()) - 1 + len(other.get_operations())


def test_tf_function_graph_ops_and_captured_variable_reads(tf):
    v = tf.Variable(2.0, name="scale")

    @tf.function
    def f(x):
        with tf.name_scope("body"):
            return x * v + 1.0

    with jupyter_scope.record() as rec:
        f(tf.constant(3.0))
    report = rec.report
    (fgraph,) = [g for g in report.meta["graphs"] if g["kind"] == "function"]
    concrete = f.get_concrete_function(tf.TensorSpec([], tf.float32))
    func_ops = sorted(
        o.get("tf_name") or o["name"] for o in report.ops if o["graph"] == fgraph["key"]
    )
    assert func_ops == sorted(o.name for o in concrete.graph.get_operations())
    # The captured variable's input is named by the variable, among its own ops.
    (internal,) = [i for e, i in concrete.graph.captures if e is v.handle]
    (capture,) = [o for o in report.ops if o.get("tf_name") == internal.op.name]
    assert capture["name"] == "scale/capture"
    eager = [o for o in report.ops if o["graph"] == "eager"]
    assert [o["type"] for o in eager if o["type"].startswith("__inference_f")]
    assert {s["name"] for s in report.scopes} >= {"body"}
