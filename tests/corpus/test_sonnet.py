"""Sonnet 2: a net with BatchNorm trained by `snt.optimizers.Adam` in a `tf.function` step
that creates the variables on its first call: the report holds the module's and the
optimizer's variables, each once."""

from __future__ import annotations

import pytest
from tf_truth import assert_no_warnings, assert_slots_are, assert_variables_are, tf_variables

import jupyter_scope

snt = pytest.importorskip("sonnet")


@pytest.mark.slow
def test_sonnet_resnet_adam_step(tf):
    images, labels = tf.random.stateless_uniform([1, 32, 32, 3], seed=(1, 2)), tf.constant([1])
    # Built inside the recording: Sonnet makes some variables (BatchNorm's EMA counters,
    # Adam's `t`) in constructors, the rest on the step's first call.
    with jupyter_scope.record() as rec:
        # Sonnet's own ResNet (bottleneck blocks, BatchNorm with moving averages) at a
        # fraction of ResNet50's size: ResNet50 takes a minute here, through the same code.
        model = snt.nets.ResNet(
            blocks_per_group_list=(1, 1, 1, 1),
            num_classes=3,
            channels_per_group_list=(16, 16, 16, 16),
        )
        optimizer = snt.optimizers.Adam(1e-3)

        @tf.function
        def step(images, labels):
            with tf.GradientTape() as tape:
                logits = model(images, is_training=True)
                loss = tf.reduce_mean(
                    tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
                )
            params = model.trainable_variables
            optimizer.apply(tape.gradient(loss, params), params)
            return loss

        step(images, labels)
        step(images, labels)
    report = rec.report
    truth = tf_variables([*model.variables, *optimizer.variables])
    assert len(truth) == len(model.variables) + len(optimizer.variables)
    assert_variables_are(report, truth)
    params = model.trainable_variables
    name = lambda v: v.name.split(":")[0]  # noqa: E731
    assert_slots_are(
        report,
        [
            (name(slot), name(var), slot_name)
            for slot_name, slots in (("m", optimizer.m), ("v", optimizer.v))
            for var, slot in zip(params, slots, strict=True)
        ],
    )
    assert_no_warnings(report)
