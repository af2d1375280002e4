"""Device placement, asked for vs placed, checked against what TF itself reports.

Logical CPU devices can only be configured before TF initialises, so the cases that
need them (and the parameter-server cluster) run in a fresh interpreter each: a script
that prints its findings as JSON. GPU placement is read from RunMetadata protos built
with TF's own classes in the shapes a GPU run produces, fed through the recorder's
own entry points.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import jupyter_scope
from jupyter_scope.capture.placement import canonical_device
from tests.helpers import by_name, codes

ROOT = Path(__file__).resolve().parents[1]
LOCAL = "/job:localhost/replica:0/task:0/device"
CPU0, CPU1, GPU0 = f"{LOCAL}:CPU:0", f"{LOCAL}:CPU:1", f"{LOCAL}:GPU:0"

PRELUDE = """
import json
import tensorflow as tf
v1 = tf.compat.v1
if LOGICAL_CPUS:
    cpu, = tf.config.list_physical_devices("CPU")
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
import jupyter_scope

def dump(report, **truth):
    keys = ("id", "name", "api", "initializer", "device_requested", "device", "components",
            "component_of")
    print("RESULT " + json.dumps({
        # by name; a graph op wins over an eager op of the same name
        "ops": {o["name"]: o for o in sorted(report.ops, key=lambda o: o["graph"] != "eager")},
        "variables": [{k: v.get(k) for k in keys} for v in report.variables],
        "scopes": {s["name"]: s["devices"] for s in report.scopes},
        "diagnostics": report.diagnostics,
        "devices": report.meta["devices"],
        "truth": truth,
    }))
"""

# TF's placer reports every node it places when asked to log placement: "name: (Op): device".
PLACER_LINE = re.compile(r"^(\S+): \((\w+)\): (/job:\S+)$", re.MULTILINE)


def run_case(body: str, *, logical_cpus: bool = True) -> tuple[dict, str]:
    """Run `body` after PRELUDE in a fresh interpreter; its `dump(...)` and its stdout."""
    script = PRELUDE.replace("LOGICAL_CPUS", str(logical_cpus)) + textwrap.dedent(body)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(result.removeprefix("RESULT ")), done.stdout


def fallbacks(diagnostics: list[dict]) -> list[dict]:
    return [d for d in diagnostics if d["code"] == "placement-fallback"]


# -- logical CPUs, tf.function, strategies, parameter servers (fresh interpreters) -------


def test_eager_ops_and_variables_on_logical_cpus():
    found, _ = run_case("""
        with jupyter_scope.record() as rec:
            with tf.name_scope("left"), tf.device("/CPU:0"):
                a = tf.constant([1.0, 2.0]) * 2.0
            with tf.name_scope("right"), tf.device("/CPU:1"):
                b = tf.constant([1.0, 2.0]) * 3.0
                v = tf.Variable([1.0], name="v")
        dump(rec.report, a=a.device, b=b.device, v=v.device,
             logical=[d.name for d in tf.config.list_logical_devices()],
             physical=[d.name for d in tf.config.list_physical_devices()])
    """)
    truth, ops = found["truth"], found["ops"]
    assert truth["b"] == truth["v"] == CPU1 and truth["a"] == CPU0
    assert ops["left/Mul"]["device"] == truth["a"]
    assert ops["right/Mul"]["device"] == truth["b"]
    assert ops["right/Mul"]["device_requested"] == CPU1
    [var] = found["variables"]
    assert (var["device_requested"], var["device"]) == (CPU1, truth["v"])
    # Per-scope device mix: every op and variable of "right" is on the second CPU.
    right = found["scopes"]["right"]
    assert (
        list(right) == [CPU1]
        and right[CPU1] == sum(o["scope"].startswith("right") for o in ops.values()) + 1
    )
    assert found["scopes"]["left"] == {CPU0: 1}
    # meta.devices: physical and logical, as TF lists them.
    listed = {d["kind"]: [] for d in found["devices"]}
    for d in found["devices"]:
        listed[d["kind"]].append(d["name"])
    assert listed == {"physical": truth["physical"], "logical": truth["logical"]}
    assert truth["logical"] == ["/device:CPU:0", "/device:CPU:1"]
    assert fallbacks(found["diagnostics"]) == []


def test_tf_function_placement_is_what_tfs_placer_logged():
    found, stdout = run_case("""
        tf.debugging.set_log_device_placement(True)  # TF's placer prints what it placed
        with jupyter_scope.record() as rec:
            @tf.function
            def layer(x):
                with tf.name_scope("dense"):
                    with tf.device("/CPU:1"):
                        y = x * 2.0
                    with tf.device("/GPU:0"):  # no GPU here: soft placement falls back
                        z = tf.sin(y)
                return z
            layer(tf.constant(1.0))
            layer(tf.constant(2.0))
        dump(rec.report)
    """)
    placer = {name: device for name, _, device in PLACER_LINE.findall(stdout)}
    ops = found["ops"]
    assert ops["dense/mul"]["device"] == placer["dense/mul"] == CPU1
    assert ops["dense/Sin"]["device"] == placer["dense/Sin"] == CPU0
    assert ops["dense/Sin"]["device_requested"] == "/device:GPU:0"
    placed = {name: op["device"] for name, op in ops.items() if op["graph"] != "eager"}
    assert all(placer[name] == device for name, device in placed.items() if device)
    [fallback] = fallbacks(found["diagnostics"])
    assert fallback["nodes"] == ["dense/Sin"]
    assert "GPU:0" in fallback["message"] and "CPU:0" in fallback["message"]


def test_loop_bodies_and_branches_in_a_tf_function_are_placed_as_tfs_placer_logged():
    """TF inlines a loop's body and condition, and a branch, into the function that runs
    them before it places the function's ops (`while/body/_1/while/Sin` for the body's
    `while/Sin`); the report places each body op where its inlined copy went."""
    found, stdout = run_case("""
        tf.debugging.set_log_device_placement(True)
        with jupyter_scope.record() as rec:
            @tf.function
            def step(x):
                def body(i, x):
                    with tf.device("/CPU:1"):
                        y = tf.sin(x)
                    with tf.device("/GPU:0"):  # no GPU here: soft placement falls back
                        z = y * 2.0
                    return i + 1, z
                _, y = tf.while_loop(lambda i, x: i < 3, body, [0, x])
                y = tf.cond(y > 0, lambda: tf.cos(y), lambda: tf.tan(y))
                with tf.device("/CPU:1"):
                    return inner(y)

            inner = tf.function(lambda y: tf.exp(y, name="inner_exp"))
            step(tf.constant(1.0))
        dump(rec.report)
    """)
    placer = {name: device for name, _, device in PLACER_LINE.findall(stdout)}

    def logged(pattern: str) -> str:
        [device] = [d for name, d in placer.items() if re.fullmatch(pattern, name)]
        return device

    ops = found["ops"]
    assert ops["while/Sin"]["device"] == logged(r"while/body/_\d+/while/Sin") == CPU1
    assert ops["while/mul"]["device"] == logged(r"while/body/_\d+/while/mul") == CPU0
    assert ops["while/mul"]["device_requested"] == "/device:GPU:0"
    assert ops["while/Less"]["device"] == logged(r"while/cond/_\d+/while/Less")
    assert ops["cond/Cos"]["device"] == logged(r"cond/then/_\d+/cond/Cos")
    assert ops["cond/Tan"]["device"] == logged(r"cond/else/_\d+/cond/Tan")
    # A function called from the function: TF inlines it under the call op's name.
    [call] = [name for name, op in ops.items() if op["type"].endswith("PartitionedCall")]
    assert ops[f"{call}/inner_exp"]["device"] == logged(rf"{call}/inner_exp") == CPU1
    # Every placed op of a body is where the placer put its inlined copy. A loop's and a
    # branch's ops carry its name already: the tree does not repeat it (`while/while/Sin`).
    inlined = re.compile(r"(?:(?:while|cond)/(?:body|cond|then|else)/_\d+/|\w+Call/)?(.+)")
    logged_as = {inlined.fullmatch(name)[1]: d for name, d in placer.items()}
    body_ops = {name: op for name, op in ops.items() if op.get("tf_name")}
    placed = {name: op["device"] for name, op in body_ops.items() if op["device"]}
    assert len(placed) >= 6
    assert all(logged_as[body_ops[name]["tf_name"]] == d for name, d in placed.items())
    loops = {name: op for name, op in body_ops.items() if not name.startswith(f"{call}/")}
    assert loops and all(name == op["tf_name"] for name, op in loops.items())
    # The multiplication and its constant asked for the GPU: both fell back, and TF says so.
    fell_back = [node for d in fallbacks(found["diagnostics"]) for node in d["nodes"]]
    assert sorted(fell_back) == ["while/mul", "while/mul/y"]
    assert logged(r"while/body/_\d+/while/mul/y") == CPU0


def test_mirrored_strategy_variable_is_one_logical_variable_with_replicas():
    found, _ = run_case("""
        strategy = tf.distribute.MirroredStrategy(["/CPU:0", "/CPU:1"])
        with jupyter_scope.record() as rec:
            with strategy.scope():
                w = tf.Variable(tf.ones([4]), name="w")

            @tf.function
            def step():
                return strategy.run(lambda: w * 2.0)

            step()
        dump(rec.report, workers=list(strategy.extended.worker_devices),
             replicas=[v.device for v in w.values], primary=w.device)
    """)
    truth = found["truth"]
    assert truth["workers"] == truth["replicas"] == [CPU0, CPU1]
    variables = {v["id"]: v for v in found["variables"]}
    [logical] = [v for v in variables.values() if v["api"] == "distributed"]
    assert logical["name"] == "w" and logical["device"] == truth["primary"]
    replicas = [variables[key] for key in logical["components"]]
    assert [r["device"] for r in replicas] == truth["replicas"]
    assert [r["device_requested"] for r in replicas] == truth["replicas"]
    assert all(r["component_of"] == logical["id"] for r in replicas)
    assert logical["initializer"] == replicas[0]["initializer"] == "constant(1.0)"
    assert len(variables) == 3
    # Each replica's ops ran on its own device, read off the executed function.
    ops = found["ops"]
    assert ops["mul"]["device"] == CPU0 and ops["replica_1/mul"]["device"] == CPU1


def test_mirrored_report_summary_is_the_front_ends():
    """tests/data/mirrored_report.json was recorded from `tf.Variable`s `w` [3] and `b` [2, 2]
    under MirroredStrategy on two logical CPUs. Its summary counts each once; the front
    end's test (labextension/test/tree-model.test.ts) expects these same figures."""
    report = jupyter_scope.ScopeReport.from_json(
        (ROOT / "tests/data/mirrored_report.json").read_text()
    )
    logical = [v for v in report.variables if v["api"] == "distributed"]
    assert sorted(v["name"] for v in logical) == ["b", "w"]
    assert all(len(v["components"]) == 2 for v in logical)
    assert report.summary() == {
        "created": 2,
        "reused": 0,
        "variables": 2,
        "params": 7,
        "bytes": 28,
        "params_trainable": 7,
        "bytes_trainable": 28,
        "params_non_trainable": 0,
        "bytes_non_trainable": 0,
        "params_optimizer": 0,
        "bytes_optimizer": 0,
        "trainable_unknown": 0,
        "ops": 18,
        "devices": 2,
        "errors": 0,
        "warnings": 0,
    }


def test_variables_made_in_replica_threads_reach_the_recording():
    # Keras builds the layer on its first call, inside strategy.run: in the threads
    # MirroredStrategy starts for its replicas, not in the thread that records.
    found, _ = run_case("""
        import threading
        strategy = tf.distribute.MirroredStrategy(["/CPU:0", "/CPU:1"])
        with strategy.scope():
            layer = tf.keras.layers.Dense(3)
        builders = set()

        def replica_fn(x):
            builders.add(threading.current_thread() is threading.main_thread())
            return layer(x)

        @tf.function
        def step(x):
            return strategy.run(replica_fn, args=(x,))

        with jupyter_scope.record() as rec:
            step(tf.ones([2, 4]))
        dump(rec.report, in_main=sorted(builders),
             replicas=[v.device for v in layer.kernel.value.values])
    """)
    assert found["truth"]["in_main"] == [False]  # every replica ran in a thread of TF's
    variables = found["variables"]
    logical = {v["name"]: v for v in variables if v["api"] == "distributed"}
    assert sorted(logical) == ["dense/bias", "dense/kernel"]
    kernel = {v["id"]: v for v in variables}
    replicas = [kernel[key]["device"] for key in logical["dense/kernel"]["components"]]
    assert replicas == found["truth"]["replicas"] == [CPU0, CPU1]


def test_replica_device_setter_round_robin_on_a_local_cluster():
    found, _ = run_case(
        """
        import socket

        def free_port():
            with socket.socket() as s:
                s.bind(("localhost", 0))
                return s.getsockname()[1]

        cluster = tf.train.ClusterSpec({
            "worker": [f"localhost:{free_port()}"],
            "ps": [f"localhost:{free_port()}", f"localhost:{free_port()}"]})
        servers = [tf.distribute.Server(cluster, job_name=job, task_index=i)
                   for job, i in [("worker", 0), ("ps", 0), ("ps", 1)]]
        graph = tf.Graph()
        with graph.as_default(), jupyter_scope.record() as rec:
            with v1.device(v1.train.replica_device_setter(ps_tasks=2, cluster=cluster)):
                with v1.variable_scope("layer"):
                    w = v1.get_variable("w", [2, 2])
                    b = v1.get_variable("b", [2])
                    c = v1.get_variable("c", [2])
                    y = tf.matmul(tf.ones([1, 2]), w) + b + c
                never = tf.identity(y, name="never_run")
            with v1.Session(servers[0].target) as sess:
                sess.run(v1.global_variables_initializer())
                sess.run(y)
        dump(rec.report, asked=[v.device for v in (w, b, c)], never=never.device)
    """,
        logical_cpus=False,
    )
    variables = {v["name"]: v for v in found["variables"]}
    asked = found["truth"]["asked"]
    assert asked == ["/job:ps/task:0", "/job:ps/task:1", "/job:ps/task:0"]
    for name, want in zip(["layer/w", "layer/b", "layer/c"], asked, strict=True):
        task = want.rsplit(":", 1)[1]
        assert variables[name]["device_requested"] == want
        assert variables[name]["device"] == f"/job:ps/replica:0/task:{task}/device:CPU:0"
    add = found["ops"]["layer/add"]
    assert add["device_requested"] == "/job:worker"
    assert add["device"] == "/job:worker/replica:0/task:0/device:CPU:0"
    never = found["ops"]["never_run"]
    assert never["device_requested"] == found["truth"]["never"] == "/job:worker"
    assert never["device"] is None  # never run: not guessed
    assert fallbacks(found["diagnostics"]) == []


def test_recording_graph_code_leaves_tf_uninitialised():
    found, _ = run_case(
        """
        graph = tf.Graph()
        with graph.as_default(), jupyter_scope.record() as rec:
            x = v1.get_variable("x", [2])
            with v1.Session() as sess:
                sess.run(v1.global_variables_initializer())
        cpu, = tf.config.list_physical_devices("CPU")
        # Still possible: the recording did not initialise TF's runtime.
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
        dump(rec.report, logical=len(tf.config.list_logical_devices()))
    """,
        logical_cpus=False,
    )
    assert found["truth"]["logical"] == 2
    assert {d["kind"] for d in found["devices"]} == {"physical"}
    [var] = found["variables"]
    assert var["name"] == "x" and var["device"] == CPU0


# -- soft placement on this CPU-only host --------------------------------------------------


def test_eager_gpu_request_falls_back_once_per_scope(tf):
    # Soft placement is eager TF's default, but TF initialises its eager context without it
    # when a graph builds a `cond` or `while_loop` first (as the corpus's tests do): ask.
    tf.config.set_soft_device_placement(True)
    with jupyter_scope.record() as rec:
        with tf.name_scope("tower"), tf.device("/GPU:0"):
            x = tf.constant([1.0, 2.0])
            for _ in range(500):
                x = x + 1.0
    adds = [o for o in rec.report.ops if o["type"] == "AddV2"]
    assert len(adds) == 500
    assert {(o["device_requested"], o["device"]) for o in adds} == {(GPU0, x.device)}
    assert x.device == CPU0
    [fallback] = fallbacks(rec.report.diagnostics)
    assert fallback["level"] == "warning" and len(fallback["nodes"]) == 500
    assert "'tower' asked for GPU:0 but were placed on CPU:0" in fallback["message"]
    assert "and 497 more" in fallback["message"]


def test_graph_gpu_request_with_soft_placement(tf, v1, graph):
    with jupyter_scope.record() as rec:
        x = v1.placeholder(tf.float32, [3], name="x")
        with tf.name_scope("tower"), tf.device("/GPU:0"):
            y = x
            for _ in range(20):
                y = tf.sin(y) * x  # a bare chain of Sin would be fused by grappler
        with tf.name_scope("head"), tf.device("/GPU:0"):
            z = tf.cos(y)
        unused = tf.tanh(x, name="unused")
        config = v1.ConfigProto(allow_soft_placement=True)
        with v1.Session(config=config) as sess:
            sess.run(z, {x: [1.0, 2.0, 3.0]})
    ops = {o["name"]: o for o in rec.report.ops}
    sines = [o for o in ops.values() if o["type"] == "Sin"]
    assert len(sines) == 20
    assert {(o["device_requested"], o["device"]) for o in sines} == {("/device:GPU:0", CPU0)}
    assert ops["unused"]["device"] is None  # never run: not guessed
    assert unused.op.device == "" and ops["unused"]["device_requested"] is None
    found = {
        (d["nodes"][0].split("/")[0], len(d["nodes"])) for d in fallbacks(rec.report.diagnostics)
    }
    assert found == {("tower", 40), ("head", 1)}


def test_colocate_with_asks_for_the_colocated_device(tf, v1, graph):
    with jupyter_scope.record() as rec:
        with tf.device("/CPU:0"):
            w = v1.get_variable("w", [2])
        with v1.colocate_with(w):
            slot = tf.identity(w, name="slot")
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            sess.run(slot)
    op = next(o for o in rec.report.ops if o["name"] == "slot")
    assert op["device_requested"] == slot.op.device == "/device:CPU:0"
    assert op["device"] == CPU0
    assert slot.op.colocation_groups() == [b"loc:@w"]
    assert by_name(rec.report, "w")["device"] == CPU0


# -- the user's own results and RunMetadata -------------------------------------------------


def _matmul_graph(tf, v1):
    x = v1.placeholder(tf.float32, [2, 2], name="x")
    return x, tf.sin(tf.matmul(x, x, name="product"), name="out")


def test_users_results_and_run_metadata_are_unchanged(tf, v1):
    feed = [[1.0, 2.0], [3.0, 4.0]]
    trace = v1.RunOptions(trace_level=v1.RunOptions.FULL_TRACE)

    def runs(record: bool):
        graph = tf.Graph()
        with graph.as_default(), jupyter_scope.record(placement=record) as rec:
            x, out = _matmul_graph(tf, v1)
            with v1.Session() as sess:
                value = sess.run(out, {x: feed})
                traced, graphs = v1.RunMetadata(), v1.RunMetadata()
                sess.run(out, {x: feed}, options=trace, run_metadata=traced)
                sess.run(
                    out,
                    {x: feed},
                    run_metadata=graphs,
                    options=v1.RunOptions(output_partition_graphs=True),
                )
        return rec.report, value, traced, graphs

    _, plain, plain_traced, plain_graphs = runs(record=False)
    report, value, traced, graphs = runs(record=True)
    assert (value == plain).all()
    # Tracing alone gives step stats and no partition graphs, recorded or not.
    assert [f.name for f, _ in traced.ListFields()] == ["step_stats"]
    assert [f.name for f, _ in plain_traced.ListFields()] == ["step_stats"]
    assert len(graphs.partition_graphs) == len(plain_graphs.partition_graphs) == 1
    assert trace.output_partition_graphs is False  # the user's options object untouched
    placed = {n.name: n.device for p in graphs.partition_graphs for n in p.node}
    ops = {o["name"]: o["device"] for o in report.ops}
    assert ops["product"] == placed["product"] == CPU0
    assert ops["out"] == placed["out"]


@pytest.mark.parametrize("placement", [True, False])
def test_no_placement_injects_no_run_options(tf, v1, graph, monkeypatch, placement):
    from tensorflow.python.client import session

    seen = []
    run = session.BaseSession._run

    def spy(self, handle, fetches, feed_dict, options, run_metadata):
        seen.append((options is not None, run_metadata is not None))
        return run(self, handle, fetches, feed_dict, options, run_metadata)

    monkeypatch.setattr(session.BaseSession, "_run", spy)
    with jupyter_scope.record(placement=placement) as rec:
        x, out = _matmul_graph(tf, v1)
        feed = {x: [[1.0, 0.0], [0.0, 1.0]]}
        with v1.Session() as sess:
            sess.run(out, feed)
            sess.run(out, feed)  # the same executors: placed already
            sess.run({"product": "product:0"}, feed)  # other fetches: new executors
    assert seen == [(placement, placement), (False, False), (placement, placement)]
    devices = {o["device"] for o in rec.report.ops}
    assert (CPU0 in devices) is placement and (devices == {None}) is not placement
    assert rec.report.meta["options"]["placement"] is placement


def test_a_users_graph_trace_keeps_its_function_graphs(tf):
    from tensorflow.python.eager import context

    tf.summary.trace_on(graph=True)
    try:
        with jupyter_scope.record() as rec:
            tf.function(lambda x: tf.sin(x) * 2.0)(tf.constant(1.0))
        theirs = context.context().export_run_metadata()
    finally:
        tf.summary.trace_off()
    assert len(theirs.function_graphs) == 1  # the recording did not take them away
    assert any(o["type"] == "Sin" for o in rec.report.ops)


def test_nested_recordings_both_see_function_placement(tf):
    with jupyter_scope.record() as outer:
        with jupyter_scope.record() as inner:
            tf.function(lambda x: tf.cos(x, name="inner_cos"))(tf.constant(1.0))
        tf.function(lambda x: tf.tan(x, name="outer_tan"))(tf.constant(1.0))

    def placed(report, name):
        return next(o["device"] for o in report.ops if o["name"] == name)

    assert placed(inner.report, "inner_cos") == placed(outer.report, "inner_cos") == CPU0
    assert placed(outer.report, "outer_tan") == CPU0


# -- GPU runs, from RunMetadata protos in the shapes a GPU run produces -----------------------


def _conv_net(tf, v1):
    """conv1 on the GPU as asked; a host-side summary op; a loss on the default device."""
    images = v1.placeholder(tf.float32, [1, 8, 8, 3], name="images")
    with v1.variable_scope("conv1"), tf.device("/GPU:0"):
        kernel = v1.get_variable("weights", [3, 3, 3, 4])
        conv = tf.nn.conv2d(images, kernel, strides=1, padding="SAME", name="Conv2D")
        relu = tf.nn.relu(conv, name="Relu")
    loss = tf.reduce_sum(relu, name="loss")
    return images, loss


def _gpu_run_metadata(placed_on: str, *, partitions: bool = True, streams: bool = True):
    """A RunMetadata as a GPU session run returns it (partition graphs, traced streams)."""
    from tensorflow.core.framework import graph_pb2, step_stats_pb2
    from tensorflow.core.protobuf import config_pb2

    metadata = config_pb2.RunMetadata()
    if partitions:
        gpu, cpu = graph_pb2.GraphDef(), graph_pb2.GraphDef()
        for name, op in [
            ("conv1/weights", "VarHandleOp"),
            ("conv1/Conv2D", "Conv2D"),
            ("conv1/Relu", "Relu"),
        ]:
            gpu.node.add(name=name, op=op, device=placed_on)
        for name, op in [("_arg_images_0_0", "_Arg"), ("loss", "Sum")]:
            cpu.node.add(name=name, op=op, device=CPU0)
        metadata.partition_graphs.extend([gpu, cpu])
    if streams:
        stats = step_stats_pb2.StepStats()
        host = stats.dev_stats.add(device=CPU0)
        host.node_stats.add(node_name="loss", timeline_label="loss = Sum(conv1/Relu)")
        launch = stats.dev_stats.add(device=placed_on)
        launch.node_stats.add(node_name="conv1/Conv2D")
        stream = stats.dev_stats.add(device=f"{placed_on}/stream:7")
        stream.node_stats.add(node_name="conv1/Conv2D:Conv2D")
        everything = stats.dev_stats.add(device="/device:GPU:0/stream:all")
        everything.node_stats.add(node_name="conv1/Relu:Relu")
        memcpy = stats.dev_stats.add(device=f"{placed_on}/memcpy")
        memcpy.node_stats.add(node_name="edge_4_conv1/Relu")
        metadata.step_stats.CopyFrom(stats)
    return metadata


@pytest.mark.parametrize("source", ["partitions", "streams", "both"])
def test_gpu_placement_from_run_metadata(tf, v1, graph, source):
    with jupyter_scope.record() as rec:
        _conv_net(tf, v1)
        metadata = _gpu_run_metadata(
            GPU0, partitions=source != "streams", streams=source != "partitions"
        )
        rec.on_run_metadata(graph, metadata)
    report = rec.report
    ops = {o["name"]: o for o in report.ops}
    assert ops["conv1/Conv2D"]["device_requested"] == "/device:GPU:0"
    assert ops["conv1/Conv2D"]["device"] == ops["conv1/Relu"]["device"] == GPU0
    assert ops["loss"]["device"] == CPU0
    if source != "streams":  # step stats name executed ops only, not the variable
        assert by_name(report, "conv1/weights")["device"] == GPU0
    scopes = {s["name"]: s["devices"] for s in report.scopes}
    assert scopes["conv1"][GPU0] >= 2
    assert "placement-fallback" not in codes(report)


def test_gpu_asked_cpu_given_in_run_metadata_is_a_fallback(tf, v1, graph):
    with jupyter_scope.record() as rec:
        _conv_net(tf, v1)
        rec.on_run_metadata(graph, _gpu_run_metadata(CPU0, streams=False))
    [fallback] = fallbacks(rec.report.diagnostics)
    # the variable and its VarHandleOp share a name: listed once
    assert fallback["nodes"] == ["conv1/weights", "conv1/Conv2D", "conv1/Relu"]
    assert "'conv1' asked for GPU:0 but were placed on CPU:0" in fallback["message"]


def test_gpu_function_graphs_land_on_the_traced_function(tf):
    """An eager tf.function's placement, as TF reports it on a GPU machine."""
    from tensorflow.core.protobuf import config_pb2

    @tf.function
    def block(x):
        with tf.device("/GPU:0"):
            return tf.nn.relu(x * 3.0, name="act")

    with jupyter_scope.record() as rec:
        concrete = block.get_concrete_function(tf.TensorSpec([4], tf.float32))
        metadata = config_pb2.RunMetadata()
        function = metadata.function_graphs.add()
        function.pre_optimization_graph.CopyFrom(concrete.graph.as_graph_def())
        partition = function.partition_graphs.add()
        for op in concrete.graph.get_operations():
            partition.node.add(name=op.name, op=op.type, device=GPU0 if op.device else CPU0)
        rec.on_function_graphs(metadata)
    # Traced, not called here: a trace that never ran, still placed as TF reported it.
    ops = {o["tf_name"]: o for o in rec.report.ops if o["graph"] != "eager"}
    assert ops["act"]["device_requested"] == "/device:GPU:0"
    assert ops["act"]["device"] == ops["mul"]["device"] == GPU0
    assert "placement-fallback" not in codes(rec.report)


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        (f"{GPU0}/stream:7", GPU0),
        ("/device:GPU:0/stream:all", GPU0),
        (f"{GPU0}/memcpy", GPU0),
        ("/job:ps/replica:0/task:1/device:CPU:0", "/job:ps/replica:0/task:1/device:CPU:0"),
    ],
)
def test_canonical_device(raw, canonical):
    assert canonical_device(raw) == canonical
