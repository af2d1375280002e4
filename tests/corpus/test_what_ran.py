"""A TF2 report counts what TF ran: traces TF made and never ran (Keras's shape inference,
a trace a retrace replaced) are kept apart and in no total; two traces of one function
never merge; a captured input is named by what it captures; params split as Keras's
`summary()` splits them. Each truth is TF's own: an op callback of the test's counting
what ran eagerly, TF's function library for what those functions ran, Keras's and TF1's
own variable lists for the split."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest
from tf_truth import (
    Ran,
    assert_no_warnings,
    counted_ops,
    keras_training_variables,
    nested_op_names,
    params_of,
    what_ran,
)

import jupyter_scope
from jupyter_scope.records import NEVER_RAN

keras = pytest.importorskip("keras")


def function_graphs(report, name: str | None = None) -> list[dict]:
    """The report's function graphs, or those TF or Keras named `name`; Keras numbers a
    name it has given before in the process (`scratch_graph_3`), so the number is allowed."""
    pattern = re.compile(rf"{re.escape(name)}(_\d+)?" if name else ".*")
    return [
        g for g in report.meta["graphs"] if g["kind"] == "function" and pattern.fullmatch(g["name"])
    ]


def assert_counts_what_ran(report, ran: Ran) -> None:
    """The report's counted ops are the eager ops TF ran plus every op of the function
    graphs TF ran, as its function library has them; no other op is in a total."""
    counted = counted_ops(report)
    eager = [o for o in counted if o["graph"] == "eager"]
    assert len(eager) == ran.eager_ops
    in_functions = [o for o in counted if o["graph"] != "eager"]
    assert len(in_functions) == ran.function_ops, (len(in_functions), ran.function_ops)
    ran_keys = {o["graph"] for o in in_functions}
    assert {g["key"] for g in function_graphs(report) if g["ran"]} >= ran_keys
    assert sum(g["ran"] for g in function_graphs(report)) == len(ran.functions)
    root = next(s for s in report.scopes if s["name"] == "")
    assert root["n_ops"] == report.summary()["ops"] == len(counted)
    never = [o for o in report.ops if o.get("ran") is False]
    assert all(o["name"].startswith(f"{NEVER_RAN}/") for o in never)
    assert all(not o["name"].startswith(f"{NEVER_RAN}/") for o in counted)


def test_keras_shape_inference_graph_is_not_the_model(tf):
    class Scale(keras.layers.Layer):
        def build(self, shape):
            self.w = self.add_weight(shape=(), initializer="ones")

        def call(self, x):
            return tf.nn.relu(x * self.w)

    with what_ran(tf) as ran, jupyter_scope.record() as rec:
        i = keras.Input((3,))
        keras.Model(i, Scale()(i))
    report = rec.report
    assert ran.functions == {}  # TF ran no function: the scratch graph only inferred shapes
    assert ran.eager_ops > 0
    assert_counts_what_ran(report, ran)
    scratch = function_graphs(report, "scratch_graph")
    assert scratch and not any(g["ran"] for g in scratch)
    kept = {o["type"] for o in report.ops if o.get("ran") is False}
    assert {"Mul", "Relu"} <= kept  # nothing is lost: the trace stays in the graph and JSON
    top = {o["name"] for o in counted_ops(report) if "/" not in o["name"]}
    assert not top & {"Placeholder", "Mul", "Relu"}
    assert jupyter_scope.ScopeReport.from_json(report.to_json()).summary() == report.summary()


def test_retraced_function_keeps_each_trace_apart(tf):
    @tf.function
    def f(x):
        with tf.name_scope("layer"):
            return tf.sin(x) * 2.0

    scalar, vector = tf.constant(1.0), tf.constant([1.0, 2.0])
    with what_ran(tf) as ran, jupyter_scope.record() as rec:
        f(scalar)
        f(vector)
    report = rec.report
    assert_counts_what_ran(report, ran)
    traces = function_graphs(report, "f")
    assert len(traces) == 2 and all(g["ran"] for g in traces)
    names = [
        {o["name"] for o in report.ops if o["graph"] == g["key"]} for g in function_graphs(report)
    ]
    assert not names[0] & names[1]  # told apart: no op name of one trace in the other's
    for concrete, trace in zip(
        (f.get_concrete_function(scalar), f.get_concrete_function(vector)), names, strict=True
    ):
        assert len(trace) == len(concrete.graph.get_operations())


def test_tf_module_adam_step_shows_the_trace_that_ran(tf):
    class Net(tf.Module):
        def __init__(self):
            super().__init__(name="net")
            self.w = tf.Variable(tf.ones([3, 2]), name="w")
            self.optimizer = keras.optimizers.Adam(0.1)

        @tf.function
        def step(self, x):
            with tf.GradientTape() as tape:
                h = tf.while_loop(lambda i, h: i < 2, lambda i, h: (i + 1, h * 0.5), [0, x])[1]
                loss = tf.reduce_sum(h @ self.w)
            # The first call makes Adam's slots: TF traces once to create them, then
            # traces again, and runs only the second trace.
            self.optimizer.apply_gradients([(tape.gradient(loss, self.w), self.w)])
            return loss

    x = tf.ones([1, 3])
    with what_ran(tf) as ran, jupyter_scope.record() as rec:
        net = Net()
        net.step(x)
        net.step(x)
    report = rec.report
    assert_counts_what_ran(report, ran)
    steps = function_graphs(report, "step")
    assert [g["ran"] for g in steps].count(True) == 1 and len(steps) == 2
    loops = Counter(o["type"] for o in counted_ops(report) if o["type"].endswith("While"))
    expected = Counter(n.op for f in ran.functions.values() for n in f.node_def)
    assert loops == {k: v for k, v in expected.items() if k.endswith("While")}
    assert sum(loops.values()) == 1  # one loop, not `While ×2`
    assert_optimizer_split(report, net.optimizer, [net.w])
    assert_no_warnings(report)


def assert_optimizer_split(report, optimizer, model_variables) -> None:
    trainable = [v for v in model_variables if v.trainable]
    frozen = [v for v in model_variables if not v.trainable]
    s = report.summary()
    assert s["params_trainable"] == params_of(trainable)
    assert s["params_non_trainable"] == params_of(frozen)
    assert s["params_optimizer"] == params_of(optimizer.variables)
    assert s["params"] == s["params_trainable"] + s["params_non_trainable"] + s["params_optimizer"]
    assert s["bytes"] == s["bytes_trainable"] + s["bytes_non_trainable"] + s["bytes_optimizer"]


class Residual(keras.Model):
    """A subclassed block with a custom layer inside a functional model."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(units)
        self.norm = keras.layers.BatchNormalization()

    def call(self, x, training=False):
        return x + self.norm(self.dense(x), training=training)


@pytest.mark.slow
def test_keras_fit_counts_the_step_that_ran_and_splits_params(tf):
    class Gate(keras.layers.Layer):
        def build(self, shape):
            self.g = self.add_weight(shape=(shape[-1],), initializer="ones", name="g")

        def call(self, x):
            return x * tf.sigmoid(self.g)

    rng = np.random.default_rng(0)
    x, y = rng.random((8, 4), dtype=np.float32), rng.random((8, 2), dtype=np.float32)
    with what_ran(tf) as ran, jupyter_scope.record() as rec:
        i = keras.Input((4,))
        h = Gate()(i)
        h = Residual(4)(h)
        h = keras.layers.Dropout(0.5)(h)
        model = keras.Model(i, keras.layers.Dense(2)(h))
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
        model.fit(x, y, batch_size=4, epochs=1, verbose=0, shuffle=False)
    report = rec.report
    assert_counts_what_ran(report, ran)
    # fit traced its step twice and ran one; the dropped trace is apart, in no total.
    steps = function_graphs(report, "one_step_on_data")
    assert len(steps) == 2 and [g["ran"] for g in steps].count(True) == 1
    # Every captured input is named by the variable it captures, among its own ops.
    paths = {v.path for v in keras_training_variables(model)}
    counted = counted_ops(report)
    numbered = [o["name"] for o in counted if o["type"] == "Placeholder" and o["name"].isdigit()]
    assert numbered == []
    captures = {
        o["name"].removesuffix("/capture") for o in counted if o["name"].endswith("/capture")
    }
    assert captures and captures <= paths
    metrics = [v for m in model.metrics for v in m.variables]
    s = report.summary()
    assert s["params_trainable"] == params_of(model.trainable_weights)
    frozen = [v for v in model.variables if not v.trainable]  # seed-generator state included
    assert s["params_non_trainable"] == params_of(frozen) + params_of(metrics)
    assert s["params_optimizer"] == params_of(model.optimizer.variables)
    assert s["params_trainable"] + s["params_non_trainable"] == model.count_params() + (
        params_of(frozen) - params_of(model.non_trainable_weights) + params_of(metrics)
    )
    assert s["params"] == params_of(keras_training_variables(model))
    root = next(sc for sc in report.scopes if sc["name"] == "")
    assert {k: root[k] for k in s if k.startswith(("params_", "bytes_"))} == {
        k: v for k, v in s.items() if k.startswith(("params_", "bytes_"))
    }
    line = report.display["summary"]["line"]
    assert line.index("trainable") < line.index("optimizer")
    assert_no_warnings(report)


def test_keras_model_called_inside_tf_function(tf):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="head")])

    @tf.function
    def predict(x):
        return model(x)

    x = tf.ones([1, 3])
    with what_ran(tf) as ran, jupyter_scope.record() as rec:
        predict(x)
    report = rec.report
    assert_counts_what_ran(report, ran)
    captures = sorted(o["name"] for o in counted_ops(report) if o["name"].endswith("/capture"))
    # Made before the recording, they are named by TF's own list of what the trace uses.
    used = predict.get_concrete_function(x).graph.variables
    assert captures == sorted(f"{v.name.removesuffix(':0')}/capture" for v in used)
    assert len(captures) == len(model.variables)
    # Beside the variable it captures: in the variable's own ops, not at the root.
    for name in captures:
        assert report.graph.nodes[_parent_of(report, name)]["name"] == name.rsplit("/", 1)[0]


def _parent_of(report, name: str) -> str:
    node = next(n for n, d in report.graph.nodes(data=True) if d["name"] == name)
    return next(
        p
        for p in report.graph.predecessors(node)
        if report.graph.edges[p, node]["kind"] == "contains"
    )


def test_tf1_graph_is_what_was_built_and_its_split(tf, v1, graph):
    with jupyter_scope.record() as rec:
        x = v1.placeholder(tf.float32, [None, 3])
        w = v1.get_variable("w", [3, 2])
        step = v1.train.get_or_create_global_step()
        h = v1.while_loop(lambda i, h: i < 2, lambda i, h: (i + 1, h * 0.5), [0, x])[1]
        optimizer = v1.train.AdamOptimizer()
        optimizer.minimize(tf.reduce_sum(h @ w), global_step=step)
    report = rec.report
    # Built, not run: the loop's body is no trace that never ran; it counts, as TF1's.
    assert not any(o.get("ran") is False for o in report.ops)
    assert report.summary()["ops"] == len(nested_op_names(graph))
    assert all(g["ran"] is False for g in function_graphs(report))
    slots = [optimizer.get_slot(v, n) for v in [w] for n in optimizer.get_slot_names()]
    trainable = graph.get_collection(v1.GraphKeys.TRAINABLE_VARIABLES)
    opt = [*slots, *optimizer._get_beta_accumulators()]
    rest = [v for v in v1.global_variables() if v not in trainable and not any(v is o for o in opt)]
    s = report.summary()
    assert s["params_trainable"] == params_of(trainable)
    assert s["params_optimizer"] == params_of(opt)
    assert s["params_non_trainable"] == params_of(rest) == 1  # global_step


def test_tf1_loop_body_ran_when_a_session_ran_it(tf, v1, graph):
    with jupyter_scope.record() as rec:
        x = v1.placeholder(tf.float32, [None, 3])
        h = v1.while_loop(lambda i, h: i < 2, lambda i, h: (i + 1, h * 0.5), [0, x])[1]
        with v1.Session(graph=graph) as session:
            session.run(h, {x: np.ones((1, 3), np.float32)})
    bodies = function_graphs(rec.report)
    assert bodies and all(g["ran"] for g in bodies)
    assert rec.report.summary()["ops"] == len(nested_op_names(graph))


def test_every_format_shows_the_split(tf, v1, graph, tmp_path):
    import csv

    with jupyter_scope.record() as rec:
        x = v1.placeholder(tf.float32, [None, 3])
        with v1.variable_scope("dense"):
            w = v1.get_variable("w", [3, 2])
        optimizer = v1.train.AdamOptimizer()
        optimizer.minimize(tf.reduce_sum(x @ w))
    report = rec.report
    slots = {optimizer.get_slot(w, n).op.name for n in optimizer.get_slot_names()}
    betas = {v.op.name for v in optimizer._get_beta_accumulators()}
    with open(report.export(tmp_path / "r.csv"), newline="") as f:
        roles = {row["name"]: row["role"] for row in csv.DictReader(f) if row["kind"] == "variable"}
    assert roles == {"dense/w": "trainable", **dict.fromkeys(slots | betas, "optimizer")}
    markdown = report.export(tmp_path / "r.md").read_text()
    dense = next(s for s in report.scopes if s["name"] == "dense")
    assert dense["params_trainable"] == 6 and dense["params_optimizer"] == 12  # m and v
    assert "| `dense` | 3 | 6 | 0 | 12 |" in markdown
    assert "| `dense/w` | [3,2] | float32 | 6 | trainable |" in markdown
    line = report.display["summary"]["line"]
    assert "6 params (24 B: 6 trainable, 0 non-trainable), +14 optimizer (56 B)" in line
    for path in (report.export(tmp_path / "r.html"), tmp_path / "r.md"):
        assert "+14 optimizer (56 B)" in path.read_text()
    assert "6 params · 24 B · +12 optimizer (48 B)" in report.display["nodes"][dense["id"]]["facts"]
