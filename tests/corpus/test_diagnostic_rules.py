"""The diagnostic rules of docs/diagnostics.md, one way everywhere: `name-scope-ignored` is
info for user name scopes that a variable's name does not carry, and silent for the scopes
TF and tf-slim re-enter themselves; `duplicate-name` warns for user `tf.Variable` renames
only."""

from __future__ import annotations

import pytest
from tf_truth import allow_tf_slim_batch_norm, assert_no_warnings

import jupyter_scope


def _with_code(report, code: str) -> list[tuple[str, list[str]]]:
    return [(d["level"], d["nodes"]) for d in report.diagnostics if d["code"] == code]


def test_name_scope_around_a_variable_scope(tf, v1, graph):
    with jupyter_scope.record() as rec:
        with tf.name_scope("n"):
            with v1.variable_scope("v"):
                w = v1.get_variable("w", [2])
    assert w.op.name == "v/w"  # TF: the name scope is not in the variable's name
    assert _with_code(rec.report, "name-scope-ignored") == [("info", ["v/w"])]


def test_name_scope_inside_a_variable_scope(tf, v1, graph):
    with jupyter_scope.record() as rec:
        with v1.variable_scope("v"):
            with tf.name_scope("n"):
                w = v1.get_variable("w", [2])
    assert w.op.name == "v/w"
    assert _with_code(rec.report, "name-scope-ignored") == [("info", ["v/w"])]


def test_silent_on_tfs_own_scope_reentry(tf, v1, graph):
    with jupyter_scope.record() as rec:
        with v1.variable_scope("v"):
            first = v1.get_variable("w", [2]) * 2.0
        with v1.variable_scope("v", reuse=True):
            second = v1.get_variable("w", [2]) * 2.0
    # TF opened the name scope `v_1` for the second entry; the variable is `v/w`.
    assert (first.op.name, second.op.name) == ("v/mul", "v_1/mul")
    assert _with_code(rec.report, "name-scope-ignored") == []


def test_silent_on_tf_slim_internal_scopes(tf, v1, graph, monkeypatch):
    tf_slim = pytest.importorskip("tf_slim")
    allow_tf_slim_batch_norm(monkeypatch)

    def net(images, reuse):
        with v1.variable_scope("net", reuse=reuse):
            x = tf_slim.repeat(images, 2, tf_slim.conv2d, 4, [3, 3], scope="conv")
            # BatchNorm makes its moving averages inside its own name scopes.
            x = tf_slim.batch_norm(x, is_training=True, zero_debias_moving_mean=True)
            x = tf_slim.stack(x, tf_slim.conv2d, [4, 4], kernel_size=[3, 3], scope="stack")
            return tf_slim.fully_connected(tf_slim.flatten(x), 2, scope="logits")

    with jupyter_scope.record() as rec:
        train = net(v1.random_uniform([1, 8, 8, 3]), reuse=None)
        evaluate = net(v1.random_uniform([1, 8, 8, 3]), reuse=True)
    assert train.op.name.startswith("net/") and evaluate.op.name.startswith("net_1/")
    names = {v.op.name for v in v1.global_variables()}
    assert {"net/conv/conv_2/weights", "net/BatchNorm/moving_mean"} <= names
    assert _with_code(rec.report, "name-scope-ignored") == []
    assert_no_warnings(rec.report)


def test_duplicate_name_warns_for_user_tf_variable(tf, v1, graph):
    with jupyter_scope.record() as rec:
        with tf.name_scope("s"):
            first = tf.Variable(1.0, name="x")
            second = tf.Variable(2.0, name="x")
    assert (first.op.name, second.op.name) == ("s/x", "s/x_1")  # TF renamed the second
    assert _with_code(rec.report, "duplicate-name") == [("warning", ["s/x_1"])]


def test_library_renames_are_never_warnings(tf, v1, graph):
    layers = pytest.importorskip("tf_keras.api._v1.keras.__internal__.legacy.layers")
    with jupyter_scope.record() as rec:
        x = v1.random_uniform([1, 3])
        loss = tf.reduce_sum(layers.dense(layers.dense(x, 4), 2))  # dense, dense_1
        v1.train.AdamOptimizer().minimize(loss)
        v1.train.AdamOptimizer().minimize(loss)  # TF names its beta powers beta1_power_1
    names = {v.op.name for v in v1.global_variables()}
    assert {"dense/kernel", "dense_1/kernel", "beta1_power_1", "beta2_power_1"} <= names
    assert [d for d in _with_code(rec.report, "duplicate-name") if d[0] != "info"] == []
    assert_no_warnings(rec.report)
