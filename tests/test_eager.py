"""Eager execution: variables, executed ops with their placement, and the TF1→TF2 pitfall."""

from __future__ import annotations

import pytest

import jupyter_scope
from tests.helpers import by_name, codes


def test_eager_ops_carry_scope_type_device_and_reads(tf):
    with jupyter_scope.record() as rec:
        v = tf.Variable([1.0, 2.0], name="v")
        with tf.name_scope("ns"):
            y = v * 2.0
    report = rec.report
    var = by_name(report, "v")
    assert var["graph"] == "eager" and var["device"] == v.device
    assert var["initializer"] == "value"
    mul = next(o for o in report.ops if o["type"] == "Mul")
    assert mul["name"] == "ns/Mul" and mul["scope"] == "ns" and mul["device"] == y.device
    read = next(o for o in report.ops if o["type"] == "ReadVariableOp")
    assert report.graph.has_edge(var["id"], read["id"])
    assert report.graph.edges[read["id"], mul["id"]]["kind"] == "input"
    assert report.meta["mode"] == "eager"


def test_eager_op_types_given_as_bytes_are_names(tf):
    keras = pytest.importorskip("keras")
    layer = keras.layers.Dense(2, name="dense")
    layer.build((1, 2))
    # Keras's BiasAdd reaches op callbacks with its type as bytes.
    with jupyter_scope.record() as rec:
        layer(tf.zeros([1, 2]))
    (op,) = [o for o in rec.report.ops if o["type"] == "BiasAdd"]
    assert op["name"] == "dense/BiasAdd"
    rec.report.to_json()


def test_eager_get_variable_reuse_is_ignored(tf, v1):
    with jupyter_scope.record() as rec:
        with v1.variable_scope("dense"):
            a = v1.get_variable("w", [2])
        with v1.variable_scope("dense", reuse=True):
            b = v1.get_variable("w", [2])
    assert a is not b and a.name == b.name == "dense/w:0"  # two variables, one name
    report = rec.report
    assert [v["name"] for v in report.variables] == ["dense/w", "dense/w"]
    assert len({v["id"] for v in report.variables}) == 2
    assert codes(report) == ["eager-reuse-ignored"]
    assert "do not share" in report.diagnostics[0]["message"]


def test_eager_device_requested_is_recorded(tf):
    with jupyter_scope.record() as rec, tf.device("/CPU:0"):
        x = tf.constant([1.0]) + 1.0
    add = next(o for o in rec.report.ops if o["type"] == "AddV2")
    assert add["device_requested"] == "/job:localhost/replica:0/task:0/device:CPU:0"
    assert add["device"] == x.device
