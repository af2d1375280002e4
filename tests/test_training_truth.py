"""What training code does to a report, against TF's own answer: assign results are ops,
Keras 3 paths make the tree, optimizer slots know their variable, and sites inside a
tf.function are the user's lines.

The corpus (tests/corpus/) holds third-party model code and TF's control flow; these
are the rules one at a time, on the smallest code that shows each.
"""

from __future__ import annotations

from pathlib import Path

import jupyter_scope
from tests.helpers import by_name, codes, slot_links


def _line_of(text: str) -> int:
    """The line of this file holding `text`: where a site must point."""
    lines = Path(__file__).read_text().splitlines()
    return next(n for n, line in enumerate(lines, start=1) if text in line)


def test_assign_results_are_ops_not_variables_in_a_graph(tf, v1, graph):
    with jupyter_scope.record() as rec:
        v = v1.get_variable("v", [2], initializer=v1.zeros_initializer())
        step = v1.train.get_or_create_global_step()
        v.assign_sub([1.0, 1.0])
        v1.assign(v, [2.0, 2.0])
        v1.assign_add(step, 1)
    names = sorted(x["name"] for x in rec.report.variables)
    assert names == sorted(x.op.name for x in v1.global_variables()) == ["global_step", "v"]
    types = {o["type"] for o in rec.report.ops}
    assert {"AssignSubVariableOp", "AssignVariableOp", "AssignAddVariableOp"} <= types


def test_a_tf_function_step_that_creates_nothing_records_no_variable(tf):
    weights = tf.Variable(tf.ones([3]), name="weights")
    counter = tf.Variable(0, name="counter")

    @tf.function
    def step(x):
        weights.assign_sub(x * 0.1)
        counter.assign_add(1)
        return tf.reduce_sum(weights)

    with jupyter_scope.record() as rec:
        step(tf.ones([3]))
        step(tf.ones([3]))
        weights.assign(tf.zeros([3]))  # eagerly, too
    assert rec.report.variables == []
    assert rec.report.summary()["variables"] == 0
    assert any(o["type"] == "AssignSubVariableOp" for o in rec.report.ops)


def test_keras_subclassed_model_keeps_its_layer_tree(tf):
    keras = __import__("keras")

    class Encoder(keras.Model):
        def __init__(self):
            super().__init__(name="encoder")
            self.first = keras.layers.Dense(4)
            self.second = keras.layers.Dense(2, name="out")

        def call(self, x):
            return self.second(self.first(x))

    with jupyter_scope.record() as rec:
        model = Encoder()
        model(tf.zeros([1, 3]))
    report = rec.report
    assert sorted(v["name"] for v in report.variables) == sorted(w.path for w in model.weights)
    for weight in model.weights:
        tf_name = weight.value.name.removesuffix(":0")
        assert by_name(report, weight.path).get("tf_name", weight.path) == tf_name
    scopes = {s["name"]: s for s in report.scopes}
    assert scopes["encoder/out"]["n_variables"] == 2
    assert scopes["encoder"]["params"] == model.count_params()


def test_tf1_optimizer_slots_link_to_their_variables(tf, v1, graph):
    with jupyter_scope.record() as rec:
        w = v1.get_variable("w", [3, 2])
        loss = tf.reduce_sum(tf.matmul(tf.ones([1, 3]), w))
        optimizer = v1.train.AdamOptimizer()
        optimizer.minimize(loss)
    truth = {(optimizer.get_slot(w, s).op.name, w.op.name, s) for s in optimizer.get_slot_names()}
    assert slot_links(rec.report.variables) == truth and len(truth) == 2
    # TF's `beta1_power`, `beta2_power` are the optimizer's own: no slots, no warnings.
    assert codes(rec.report) == []


def test_keras_optimizer_slots_link_to_their_variables(tf):
    keras = __import__("keras")
    with jupyter_scope.record() as rec:
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        optimizer = keras.optimizers.Adam()
        optimizer.build(model.trainable_variables)
    variables = {v["id"]: v for v in rec.report.variables}
    linked = {
        (v["name"], variables[v["slot_of"]]["name"], v["slot"])
        for v in variables.values()
        if "slot_of" in v
    }
    truth = {
        (slot.path, weight.path, kind)
        for kind, slots in (("momentum", optimizer._momentums), ("velocity", optimizer._velocities))
        for slot, weight in zip(slots, model.trainable_variables, strict=True)
    }
    assert linked == truth and len(truth) == 4


def test_sites_inside_a_tf_function_are_the_users_lines(tf):
    keras = __import__("keras")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    optimizer = keras.optimizers.SGD(momentum=0.9)

    @tf.function
    def step(x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(model(x))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))  # slots

    with jupyter_scope.record() as rec:
        step(tf.ones([1, 3]))
    sites = {(s["file"], s["line"]) for v in rec.report.variables for s in v["sites"]}
    assert sites == {(__file__, _line_of("  # slots"))}
