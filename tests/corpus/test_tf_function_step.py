"""A `tf.function` train step over variables made before the recording creates none: the
report holds zero variables, however many assign ops the step runs."""

from __future__ import annotations

import numpy as np
import pytest
from tf_truth import assert_function_ops, assert_no_warnings

import jupyter_scope


def test_keras_model_tf_function_step(tf):
    keras = pytest.importorskip("keras")
    # Keras's LSTM runs a tf.while_loop: a body inside the step's function graph.
    model = keras.Sequential([keras.Input((3, 4)), keras.layers.LSTM(3), keras.layers.Dense(2)])
    optimizer = keras.optimizers.Adam(1e-3)
    optimizer.build(model.trainable_variables)
    before = len(model.weights) + len(optimizer.variables)

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x) - y))
        optimizer.apply_gradients(
            zip(
                tape.gradient(loss, model.trainable_variables),
                model.trainable_variables,
                strict=True,
            )
        )
        return loss

    x, y = np.ones((1, 3, 4), np.float32), np.zeros((1, 2), np.float32)
    with jupyter_scope.record() as rec:
        step(x, y)
        step(x, y)
    report = rec.report
    assert len(model.weights) + len(optimizer.variables) == before  # TF: nothing was created
    assert int(optimizer.iterations.numpy()) == 2
    assert report.variables == []
    assert report.summary()["variables"] == report.summary()["params"] == 0
    assert_function_ops(report, step.get_concrete_function(x, y).graph)
    assert_no_warnings(report)


def test_tf_module_tf_function_step(tf):
    class Linear(tf.Module):
        def __init__(self):
            super().__init__(name="linear")
            self.w = tf.Variable(tf.ones([3, 2]), name="w")
            self.b = tf.Variable(tf.zeros([2]), name="b")
            self.steps = tf.Variable(0, name="steps", trainable=False)

        @tf.function
        def train_step(self, x):
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(x @ self.w + self.b)
            for var, grad in zip(
                self.trainable_variables, tape.gradient(loss, self.trainable_variables), strict=True
            ):
                var.assign_sub(0.1 * grad)
            self.steps.assign_add(1)
            return loss

    module = Linear()
    x = tf.ones([1, 3])
    with jupyter_scope.record() as rec:
        module.train_step(x)
        module.train_step(x)
    report = rec.report
    assert int(module.steps.numpy()) == 2
    assert report.variables == []
    assert report.summary()["variables"] == 0
    assert_function_ops(report, module.train_step.get_concrete_function(x).graph)
    assert_no_warnings(report)
