"""The sort keys and filters every view offers (`present/controls.py`), and optimizer
slots shown with the variable they serve, checked against TF's own lists on real graphs:
a TF1 net trained with Adam, its checkpoint saved without the optimizer, and a Keras model
fitted with Adam."""

from __future__ import annotations

import numpy as np
import pytest

import jupyter_scope
from jupyter_scope.analysis.match import STEP_COUNTER
from jupyter_scope.present import text_tree


def counts(report) -> dict[str, int]:
    return {f["key"]: f["count"] for f in report.display["filters"] if f["group"] != "device"}


def tf1_adam(tf, v1):
    """Two dense layers under `net`, a step counter, Adam: TF1's collections are the truth."""

    def dense(x, units, name):
        with v1.variable_scope(name):
            kernel = v1.get_variable("kernel", [x.shape[-1], units])
            bias = v1.get_variable("bias", [units], initializer=v1.zeros_initializer())
            return tf.matmul(x, kernel) + bias

    x = v1.placeholder(tf.float32, [None, 4])
    with v1.variable_scope("net"):
        y = dense(tf.nn.relu(dense(x, 8, "hidden")), 2, "out")
    step = v1.train.get_or_create_global_step()
    loss = tf.reduce_mean(tf.square(y))
    train = v1.train.AdamOptimizer(0.1).minimize(loss, global_step=step)
    return train


def test_filters_count_what_tf1_lists(tf, v1, graph):
    with jupyter_scope.record() as rec:
        optimizer_step = tf1_adam(tf, v1)
    assert optimizer_step is not None
    report = rec.report
    every = v1.global_variables()
    trainable = v1.trainable_variables()
    optimizer = [v for v in every if "Adam" in v.op.name or "beta" in v.op.name]
    assert optimizer  # slots and Adam's beta powers
    assert counts(report) == {
        "created": len(every),
        "reused": 0,
        "trainable": len(trainable),
        "non_trainable": len(every) - len(trainable) - len(optimizer),  # the step counter
        "optimizer": len(optimizer),
        "diagnostics": 0,
    }
    assert [s["key"] for s in report.display["sorts"]][:5] == [
        "order",
        "name",
        "params",
        "bytes",
        "n_ops",
    ]
    # FLOPs and activations are sort keys where the report has them (static cost).
    assert {"flops", "activation_bytes", "memory_bytes"} <= {
        s["key"] for s in report.display["sorts"]
    }


def test_slots_sit_in_the_variable_they_serve(tf, v1, graph):
    with jupyter_scope.record() as rec:
        tf1_adam(tf, v1)
    report = rec.report
    kernel = "net/hidden/kernel"
    slots = sorted(v.op.name for v in v1.global_variables() if v.op.name.startswith(kernel + "/"))
    assert slots == [f"{kernel}/Adam", f"{kernel}/Adam_1"]
    ids = {v["name"]: v["id"] for v in report.variables}
    scope_id = next(s["id"] for s in report.scopes if s["name"] == kernel)
    assert report.display["nodes"][scope_id]["owner"] == ids[kernel]
    # The text tree: the slots under the kernel's line, no sibling line of its name.
    lines = text_tree.render(report).splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("kernel ["))
    indent = len(lines[at]) - len(lines[at].lstrip())
    slot_lines = [line for line in lines[at + 1 :] if not line.strip().startswith("↳")][:2]
    assert [line.split()[0] for line in slot_lines] == ["Adam", "Adam_1"]
    assert all(len(line) - len(line.lstrip()) == indent + 2 for line in slot_lines)
    assert not any(line.strip().startswith("kernel/ ") for line in lines)


def test_a_match_groups_the_optimizer_and_step_counter_apart(tf, v1, graph, tmp_path):
    """A checkpoint of the model alone (a Saver of the trainable variables, as one saved
    for inference) lacks the slots, beta powers and step counter: expected, not missing."""
    with jupyter_scope.record() as rec:
        tf1_adam(tf, v1)
    with v1.Session() as session:
        session.run(v1.global_variables_initializer())
        prefix = v1.train.Saver(v1.trainable_variables()).save(session, str(tmp_path / "model"))
    every = {v.op.name for v in v1.global_variables()}
    saved = {v.op.name for v in v1.trainable_variables()}
    match = rec.report.match(jupyter_scope.load(prefix))
    assert set(match.missing) == every - saved
    assert set(match.expected_missing) == every - saved
    assert STEP_COUNTER in match.expected_missing
    tree = match.tree
    assert counts(tree)["missing"] == 0
    assert counts(tree)["expected"] == len(every - saved)
    assert counts(tree)["matched"] == len(saved)
    line = tree.display["summary"]["line"]
    assert (
        line
        == f"{len(saved)} matched, {len(every - saved)} expected missing (optimizer, step counter)"
    )
    assert match.to_dict()["counts"]["expected_missing"] == len(every - saved)


def test_keras_slots_and_roles_count_as_keras_lists_them(tf):
    keras = pytest.importorskip("keras")
    with jupyter_scope.record() as rec:
        model = keras.Sequential(
            [keras.Input((4,)), keras.layers.Dense(3), keras.layers.BatchNormalization()]
        )
        model.compile(optimizer="adam", loss="mse")
        model.fit(np.zeros((8, 4)), np.zeros((8, 3)), epochs=1, verbose=0)
    got = counts(rec.report)
    assert got["trainable"] == len(model.trainable_weights)
    # Keras keeps the compiled loss's state (`total`, `count`) in no weight list.
    metrics = [v for metric in model.metrics for v in metric.variables]
    assert metrics
    assert got["non_trainable"] == len(model.non_trainable_weights) + len(metrics)
    assert got["optimizer"] == len(model.optimizer.variables)
    assert got["created"] == len(model.weights) + len(model.optimizer.variables) + len(metrics)
