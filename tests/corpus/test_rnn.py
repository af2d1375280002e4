"""`dynamic_rnn` in a train and an eval scope sharing one cell, trained with Adam: the
loop-body ops sit under their While op, as TF's body graphs say."""

from __future__ import annotations

import pytest
from tf_truth import (
    assert_no_warnings,
    assert_ops_nested,
    assert_slots_are,
    assert_variables_are,
    graph_variables,
)

import jupyter_scope

# Keras 3 has no TF1 RNN cells; tf_keras ships the ones `tf.compat.v1.nn.rnn_cell` named.
rnn_cell = pytest.importorskip("tf_keras.api._v1.keras.__internal__.legacy.rnn_cell")


@pytest.mark.parametrize("cell_class", ["BasicRNNCell", "LSTMCell"])
def test_dynamic_rnn_train_and_eval(tf, v1, cell_class):
    with jupyter_scope.record() as rec:
        with tf.Graph().as_default() as graph:
            cell = getattr(rnn_cell, cell_class)(4)
            with v1.variable_scope("train"):
                inputs = v1.random_normal([1, 3, 2], seed=1)
                outputs, _ = v1.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)
                loss = tf.reduce_sum(outputs)
                optimizer = v1.train.AdamOptimizer(1e-3)
                optimizer.minimize(loss)
            with v1.variable_scope("eval"):
                v1.nn.dynamic_rnn(cell, v1.random_normal([1, 5, 2], seed=2), dtype=tf.float32)
    report = rec.report
    loops = [op for op in graph.get_operations() if op.type in ("While", "StatelessWhile")]
    assert len(loops) == 3  # train, its gradient, eval
    assert_ops_nested(report, graph)
    names = {o["name"] for o in report.ops}
    # The cell's variable scope, as TF named it (Keras may have uniquified `cell.name`).
    cell_scope = cell.variables[0].op.name.split("/")[2]
    assert any(n.startswith(f"train/rnn/while/{cell_scope}/") for n in names)
    assert any(n.startswith(f"eval/rnn/while/{cell_scope}/") for n in names)
    assert cell_scope not in {s["name"] for s in report.scopes}

    truth = graph_variables(graph)
    assert_variables_are(report, truth)
    trainable = graph.get_collection(v1.GraphKeys.TRAINABLE_VARIABLES)
    assert_slots_are(
        report,
        [
            (optimizer.get_slot(var, name).op.name, var.op.name, name)
            for var in trainable
            for name in optimizer.get_slot_names()
        ],
    )
    assert_no_warnings(report)
