"""tf-slim's ResNet v1 (BatchNorm) trained by `tf_slim.learning.create_train_op` with Adam
and a global step, plus a streaming metric: the report is the graph's own collections."""

from __future__ import annotations

import pytest
from tf_truth import (
    allow_tf_slim_batch_norm,
    assert_no_warnings,
    assert_slots_are,
    assert_variables_are,
    graph_variables,
)

import jupyter_scope

tf_slim = pytest.importorskip("tf_slim")
from tf_slim.nets import resnet_v1  # noqa: E402


@pytest.fixture(autouse=True)
def _batch_norm(monkeypatch):
    allow_tf_slim_batch_norm(monkeypatch)


def _tiny_resnet(inputs):
    blocks = [
        resnet_v1.resnet_v1_block("block1", base_depth=4, num_units=2, stride=2),
        resnet_v1.resnet_v1_block("block2", base_depth=8, num_units=1, stride=1),
    ]
    return resnet_v1.resnet_v1(inputs, blocks, num_classes=3, is_training=True, scope="tiny")


def _resnet_v1_50(inputs):
    return resnet_v1.resnet_v1_50(inputs, num_classes=3, is_training=True)


@pytest.mark.parametrize(
    ("build", "size"),
    [(_tiny_resnet, 32), (_resnet_v1_50, 64)],
    ids=["tiny_resnet_v1", "resnet_v1_50"],
)
def test_slim_resnet_adam_train_op(tf, v1, build, size):
    with jupyter_scope.record() as rec:
        with tf.Graph().as_default() as graph:
            images = v1.random_uniform([1, size, size, 3], seed=1)
            labels = tf.one_hot([1], 3)
            # Zero-debiased moving means: slim's fused path (see allow_tf_slim_batch_norm).
            with tf_slim.arg_scope(resnet_v1.resnet_arg_scope()):
                with tf_slim.arg_scope([tf_slim.batch_norm], zero_debias_moving_mean=True):
                    logits, _ = build(images)
            logits = tf.reshape(logits, [1, 3])
            v1.losses.softmax_cross_entropy(labels, logits)
            total_loss = v1.losses.get_total_loss()
            global_step = v1.train.get_or_create_global_step()
            optimizer = v1.train.AdamOptimizer(1e-3)
            tf_slim.learning.create_train_op(total_loss, optimizer, global_step=global_step)
            # A streaming metric makes LOCAL_VARIABLES (total, count).
            tf_slim.metrics.streaming_accuracy(tf.argmax(logits, 1), tf.argmax(labels, 1))
    report = rec.report
    truth = graph_variables(graph)
    assert len(graph.get_collection(v1.GraphKeys.LOCAL_VARIABLES)) == 2
    assert_variables_are(report, truth)
    slots = [
        (optimizer.get_slot(var, name).op.name, var.op.name, name)
        for var in graph.get_collection(v1.GraphKeys.TRAINABLE_VARIABLES)
        for name in optimizer.get_slot_names()
    ]
    assert_slots_are(report, slots)
    # No op (an assign, a moving-average update, the global-step increment) is a variable.
    not_variables = {o.name for o in graph.get_operations() if o.type != "VarHandleOp"}
    assert {v["name"] for v in report.variables} & not_variables == set()
    assert_no_warnings(report)
