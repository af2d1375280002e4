"""Static cost against TF's own answers: each op's `outputs` equal TF's `op.outputs`, and
each scope's `flops` equal tfprof's scope view of the same graph
(`profile(graph, cmd="scope", options=float_operation())`)."""

from __future__ import annotations

import pytest

import jupyter_scope
from jupyter_scope.records import NEVER_RAN


def _outputs(op) -> list[dict]:
    return [
        {"shape": t.shape.as_list() if t.shape.rank is not None else None, "dtype": t.dtype.name}
        for t in op.outputs
    ]


def _ops_of(report, key: str) -> dict[str, dict]:
    """A graph's ops in the report, by TF's own name."""
    return {o.get("tf_name") or o["name"]: o for o in report.ops if o["graph"] == key}


def _tfprof_scopes(tf, graph) -> dict[str, int]:
    """tfprof's scope view: each name's FLOPs, those of the names under it included."""
    builder = tf.compat.v1.profiler.ProfileOptionBuilder
    options = (
        builder(builder.float_operation()).with_min_float_operations(0).with_empty_output().build()
    )
    root = tf.compat.v1.profiler.profile(graph, cmd="scope", options=options)
    found, todo = {}, list(root.children)
    while todo:
        node = todo.pop()
        found[node.name] = node.total_float_ops
        todo.extend(node.children)
    found[""] = root.total_float_ops
    return found


def _small_net(tf, v1, x):
    """A conv, a dense layer and a matmul with a bias, in variable scopes."""
    with v1.variable_scope("net"):
        with v1.variable_scope("conv"):
            kernel = v1.get_variable("kernel", [3, 3, 3, 8])
            y = tf.nn.relu(tf.nn.conv2d(x, kernel, 1, "SAME"))
        with v1.variable_scope("fc"):
            w = v1.get_variable("w", [16 * 16 * 8, 10])
            b = v1.get_variable("b", [10])
            return tf.nn.softmax(tf.matmul(tf.reshape(y, [2, -1]), w) + b)


def _assert_flops_are_tfprofs(tf, report, graph) -> None:
    truth = _tfprof_scopes(tf, graph)
    ops = {o["name"]: o for o in report.ops}
    scopes = {s["name"]: s for s in report.scopes}
    assert truth[""] > 0
    # tfprof's node for a name holds the op of that name and every name under it; the
    # report's scope holds the names under it, and the op sits in its parent scope.
    for name, flops in truth.items():
        own = ops[name]["flops"] if name in ops else None
        below = scopes[name]["flops"] if name in scopes else None
        assert (own or 0) + (below or 0) == flops, name
    for scope in report.scopes:  # unknown, never 0: None only where no op's count is known
        inside = [
            o for o in report.ops if o["name"].startswith(f"{scope['name']}/") or not scope["name"]
        ]
        known = [o["flops"] for o in inside if o["flops"] is not None]
        assert scope["flops"] == (sum(known) if known else None), scope["name"]


def test_graph_outputs_and_flops_are_tfs(tf, v1):
    with jupyter_scope.record() as rec:
        with tf.Graph().as_default() as graph:
            x = v1.placeholder(tf.float32, [2, 16, 16, 3])
            _small_net(tf, v1, x)
            v1.placeholder(tf.float32, None)  # unknown rank
            v1.placeholder(tf.float32, [None, 3])  # an unknown dimension
    report = rec.report
    ops = _ops_of(report, "g0")
    assert ops.keys() == {op.name for op in graph.get_operations()}
    for op in graph.get_operations():
        assert ops[op.name]["outputs"] == _outputs(op), op.name
    assert ops["Placeholder_1"]["outputs"] == [{"shape": None, "dtype": "float32"}]
    assert ops["net/conv/Conv2D"]["flops"] == 2 * 2 * (16 * 16 * 8) * (3 * 3 * 3)
    assert ops["net/conv/kernel"]["flops"] is None  # no statistic for a VarHandleOp
    _assert_flops_are_tfprofs(tf, report, graph)
    activations = sum(
        4 * int(tf.TensorShape(out["shape"]).num_elements())
        for o in report.ops
        for out in o["outputs"]
        if out["dtype"] == "float32" and tf.TensorShape(out["shape"]).is_fully_defined()
    )
    assert report.scopes[0]["activation_bytes"] >= activations > 0


def test_unknown_shapes_give_unknown_flops(tf, v1):
    with jupyter_scope.record() as rec:
        with tf.Graph().as_default():
            x = v1.placeholder(tf.float32, [None, 4])
            with v1.variable_scope("dense"):
                tf.matmul(x, v1.get_variable("w", [4, 3]))
    matmul = next(o for o in rec.report.ops if o["type"] == "MatMul")
    assert matmul["outputs"] == [{"shape": [None, 3], "dtype": "float32"}]
    assert matmul["flops"] is None
    display = rec.report.display
    assert display["nodes"][matmul["id"]]["facts"] == "[?,3] float32 · FLOPs unknown"
    dense = next(s for s in rec.report.scopes if s["name"] == "dense")
    assert dense["flops"] == 1 + 12 + 12  # its initializer's sub, mul, add; not the matmul
    assert "25 FLOPs" in display["nodes"][dense["id"]]["facts"]
    assert "25 FLOPs" in display["summary"]["line"]


def test_function_graph_outputs_are_tfs(tf):
    dense = tf.Variable(tf.ones([4, 3]), name="w")

    @tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32)])
    def step(x):
        y = tf.matmul(x, dense)
        return tf.reduce_sum(tf.nn.relu(y), axis=1)

    with jupyter_scope.record() as rec:
        step(tf.ones([2, 4]))
    graph = step.get_concrete_function().graph
    (key,) = [g["key"] for g in rec.report.meta["graphs"] if g.get("name") == graph.name]
    ops = _ops_of(rec.report, key)
    assert ops.keys() == {op.name for op in graph.get_operations()}
    for op in graph.get_operations():
        assert ops[op.name]["outputs"] == _outputs(op), op.name
    assert ops["MatMul"]["outputs"] == [{"shape": [None, 3], "dtype": "float32"}]
    eager = [o for o in rec.report.ops if o["graph"] == "eager"]
    assert eager and all(o["outputs"] for o in eager)


def _eager_net(tf, x, w, kernel):
    """Ops with FLOPs statistics that read attributes (a transpose, a data format, a
    reduction's output) under name scopes; the same code runs eagerly and is traced."""
    with tf.name_scope("conv"):
        y = tf.nn.relu(tf.nn.conv2d(x, kernel, 1, "SAME"))
    with tf.name_scope("fc"):
        flat = tf.reshape(y, [2, -1])
        z = tf.nn.bias_add(tf.matmul(w, flat, transpose_a=True, transpose_b=True), [1.0, 2.0])
        return tf.reduce_mean(tf.nn.softmax(z), axis=1)


def test_eager_flops_are_tfprofs_of_the_same_code_traced(tf):
    x = tf.ones([2, 8, 8, 3])
    w = tf.ones([8 * 8 * 4, 10])
    kernel = tf.ones([3, 3, 3, 4])
    with jupyter_scope.record() as rec:
        _eager_net(tf, x, w, kernel)
    graph = tf.function(_eager_net).get_concrete_function(tf, x, w, kernel).graph
    truth = _tfprof_scopes(tf, graph)
    scopes = {s["name"]: s for s in rec.report.scopes}
    for name in ("conv", "fc"):
        assert scopes[name]["flops"] == truth[name] > 0, name
    matmul = next(o for o in rec.report.ops if o["type"] == "MatMul")
    assert matmul["graph"] == "eager"
    assert matmul["flops"] == 2 * 10 * 2 * (8 * 8 * 4)  # 2·m·n·k, transposes read
    fill = next(o for o in rec.report.ops if o["type"] == "Reshape")
    assert fill["flops"] is None  # no statistic for its type: unknown, not 0


def test_keras_dense_costs_2mnk_in_its_scope_eagerly(tf):
    keras = pytest.importorskip("keras")
    m, k, n = 8, 32, 16
    model = keras.Sequential([keras.Input((k,)), keras.layers.Dense(n), keras.layers.Dense(1)])
    x = tf.ones([m, k])
    with jupyter_scope.record() as rec:
        model(x)
    matmuls = [o for o in rec.report.ops if o["type"] == "MatMul"]
    assert [o["graph"] for o in matmuls] == ["eager", "eager"]
    assert [o["flops"] for o in matmuls] == [2 * m * n * k, 2 * m * 1 * n]
    scopes = {s["name"]: s for s in rec.report.scopes}
    first, second = (o["scope"] for o in matmuls)
    assert first != second
    assert scopes[first]["flops"] == 2 * m * n * k + m * n  # its matmul and its bias add
    assert scopes[second]["flops"] == 2 * m * n + m


def test_keras_dense_costs_2mnk_in_its_scope(tf):
    keras = pytest.importorskip("keras")
    m, k, n = 8, 32, 16
    model = keras.Sequential([keras.Input((k,)), keras.layers.Dense(n), keras.layers.Dense(1)])

    @tf.function
    def predict(x):
        return model(x)

    with jupyter_scope.record() as rec:
        predict(tf.ones([m, k]))
    matmuls = [o for o in rec.report.ops if o["type"] == "MatMul" and o.get("ran") is not False]
    assert [o["flops"] for o in matmuls] == [2 * m * n * k, 2 * m * 1 * n]
    first, second = (o["scope"] for o in matmuls)
    scopes = {s["name"]: s for s in rec.report.scopes}
    # the layer's scope holds its matmul and its bias add (m·n), nothing of the next layer
    assert scopes[first]["flops"] == 2 * m * n * k + m * n
    assert scopes[second]["flops"] == 2 * m * n + m


@pytest.mark.slow
def test_slim_inception_v3_flops_are_tfprofs(tf, v1, monkeypatch):
    tf_slim = pytest.importorskip("tf_slim")
    from tf_slim.nets import inception_v3
    from tf_truth import allow_tf_slim_batch_norm

    allow_tf_slim_batch_norm(monkeypatch)
    with jupyter_scope.record() as rec:
        with tf.Graph().as_default() as graph:
            images = v1.random_uniform([1, 299, 299, 3], seed=1)
            with tf_slim.arg_scope(inception_v3.inception_v3_arg_scope()):
                with tf_slim.arg_scope([tf_slim.batch_norm], zero_debias_moving_mean=True):
                    inception_v3.inception_v3(images, num_classes=10, is_training=False)
    _assert_flops_are_tfprofs(tf, rec.report, graph)
    assert rec.report.scopes[0]["flops"] > 5 * 10**9  # ~5.7 G multiply-adds ×2


def test_a_trace_that_never_ran_counts_in_no_total(tf):
    @tf.function
    def ran(x):
        return tf.matmul(x, x)

    @tf.function
    def traced(x):
        return tf.matmul(x, x) + x

    with jupyter_scope.record() as rec:
        ran(tf.ones([4, 4]))
        traced.get_concrete_function(tf.TensorSpec([4, 4], tf.float32))  # traced, never run
    never = [o for o in rec.report.ops if o.get("ran") is False]
    assert sum(o["flops"] or 0 for o in never) == 2 * 4**3 + 16  # TF counts them all the same
    root, *_ = rec.report.scopes
    assert root["flops"] == 2 * 4**3  # only the matmul that ran
    scopes = {s["name"]: s for s in rec.report.scopes}
    assert scopes[NEVER_RAN]["flops"] == 2 * 4**3 + 16


def test_memory_estimate_is_weights_gradients_slots_and_activations(tf, v1):
    """A scope's `memory_bytes` from TF's own objects: its variables' sizes, a gradient per
    trainable one, its ops' outputs."""
    with jupyter_scope.record() as rec:
        with tf.Graph().as_default() as graph:
            x = v1.placeholder(tf.float32, [4, 8])
            with v1.variable_scope("dense"):
                w = v1.get_variable("w", [8, 3])
                steps = v1.get_variable("steps", [], tf.int64, trainable=False)
                y = tf.matmul(x, w)
            loss = tf.reduce_sum(y)
            v1.train.AdamOptimizer().minimize(loss, var_list=[w])
    dense = next(s for s in rec.report.scopes if s["name"] == "dense")
    variables = graph.get_collection(v1.GraphKeys.GLOBAL_VARIABLES)
    weights = w.shape.num_elements() * 4 + steps.dtype.size
    slots = sum(
        v.shape.num_elements() * v.dtype.base_dtype.size
        for v in variables
        if v.name.startswith("dense/w/Adam")
    )
    activations = sum(
        t.shape.num_elements() * t.dtype.size
        for op in graph.get_operations()
        if op.name.startswith("dense/")
        for t in op.outputs
        if t.shape.is_fully_defined() and t.dtype != tf.resource
    )
    assert slots == 2 * 8 * 3 * 4  # Adam's m and v
    assert dense["bytes_trainable"] == 8 * 3 * 4
    assert dense["memory_bytes"] == weights + slots + 8 * 3 * 4 + activations
    assert dense["activation_bytes"] == activations
