"""Legacy TF1 layers (`tf.compat.v1.layers`, served by tf_keras with TF 2.21) in a graph:
conv, batch normalization with UPDATE_OPS, dense, and an Adam train op with a global step."""

from __future__ import annotations

import pytest
from tf_truth import assert_no_warnings, assert_slots_are, assert_variables_are, graph_variables

import jupyter_scope

# With Keras 3 installed, `tf.compat.v1.layers` does not resolve; this is the module
# tf_keras exports for it.
layers = pytest.importorskip("tf_keras.api._v1.keras.__internal__.legacy.layers")


def test_tf1_layers_with_batch_norm_and_adam(tf, v1):
    with jupyter_scope.record() as rec:
        with tf.Graph().as_default() as graph:
            images = v1.random_uniform([1, 8, 8, 3], seed=1)
            with v1.variable_scope("net"):
                x = layers.conv2d(images, 4, 3, name="conv")
                x = layers.batch_normalization(x, training=True, name="bn")
                x = layers.conv2d(tf.nn.relu(x), 4, 3)  # TF names it conv2d
                logits = layers.dense(layers.flatten(x), 2, name="logits")
            loss = v1.losses.sparse_softmax_cross_entropy([1], logits)
            global_step = v1.train.get_or_create_global_step()
            optimizer = v1.train.AdamOptimizer(1e-3)
            with tf.control_dependencies(v1.get_collection(v1.GraphKeys.UPDATE_OPS)):
                optimizer.minimize(loss, global_step=global_step)
    report = rec.report
    truth = graph_variables(graph)
    assert "net/bn/moving_mean" in {v.name for v in truth}
    assert len(graph.get_collection(v1.GraphKeys.UPDATE_OPS)) == 2
    assert_variables_are(report, truth)
    assert_slots_are(
        report,
        [
            (optimizer.get_slot(var, name).op.name, var.op.name, name)
            for var in graph.get_collection(v1.GraphKeys.TRAINABLE_VARIABLES)
            for name in optimizer.get_slot_names()
        ],
    )
    assert_no_warnings(report)
