"""Measured cost (`record(profile=True)`) against TF's own answers: in a TF1 graph,
tfprof's scope view of the same graph and the same step stats
(`profile(graph, run_meta, cmd="scope", options=time_and_memory())`) gives each scope's
time and peak bytes; in TF2, the profiler's trace, read apart with TF's proto classes,
gives each op's time. On two logical CPUs: a fresh interpreter per case."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import jupyter_scope
from jupyter_scope.capture.measured import ProfileWarning
from tests.test_placement import CPU0, CPU1, run_case

TFPROF = """
        def tfprof_scopes(graph, run_meta):
            builder = v1.profiler.ProfileOptionBuilder
            options = (builder(builder.time_and_memory()).with_min_execution_time(0)
                       .with_min_memory(0).with_empty_output().build())
            root = v1.profiler.profile(graph, run_meta=run_meta, cmd="scope", options=options)
            found, todo = {}, list(root.children)
            while todo:
                node = todo.pop()
                found[node.name] = [node.total_exec_micros, node.total_peak_bytes,
                                    node.exec_micros, node.peak_bytes]
                todo.extend(node.children)
            return found
"""


def test_graph_time_and_memory_per_scope_are_tfprofs():
    found, _ = run_case(
        TFPROF
        + """
        import numpy as np
        with jupyter_scope.record(profile=True) as rec:
            with tf.Graph().as_default() as graph:
                x = v1.placeholder(tf.float32, [64, 128])
                # no variable, no initializer: the recording's runs are the user's two
                with tf.name_scope("a"), tf.device("/CPU:0"):
                    y = tf.nn.relu(tf.matmul(x, tf.random.stateless_uniform([128, 256], [1, 2])))
                with tf.name_scope("b"), tf.device("/CPU:1"):
                    z = tf.reduce_sum(tf.matmul(y, tf.ones([256, 10])))
                with v1.Session(graph=graph) as session:
                    runs = [v1.RunMetadata(), v1.RunMetadata()]
                    full = v1.RunOptions(trace_level=v1.RunOptions.FULL_TRACE)
                    feed = {x: np.ones([64, 128], np.float32)}
                    for run_meta in runs:
                        session.run(z, feed, options=full, run_metadata=run_meta)
        report = rec.report
        # tfprof averages a node over the steps it is given: each run's view apart, summed
        views = [tfprof_scopes(graph, run_meta) for run_meta in runs]
        print("RESULT " + json.dumps({
            "truth": {n: [sum(v[n][i] for v in views) for i in range(4)] for n in views[0]},
            "made": [op.name for op in graph.get_operations()],
            "ops": report.ops, "scopes": report.scopes, "profile": report.meta["profile"],
        }))
    """
    )
    truth = found["truth"]
    # Nodes TF made as it ran (Grappler's folded constants, a feed's _Arg) are no op of the
    # graph, in no scope of the report; tfprof files them by name: their own cost apart.
    made = set(found["made"])
    made_by_tf = [(node, values[2:]) for node, values in truth.items() if node not in made]
    ops = {o["name"]: o for o in found["ops"]}
    scopes = {s["name"]: s for s in found["scopes"]}
    assert found["profile"]["session_runs"] == 2
    # TF's profiler paused around each fully traced run: one profiling session at a time
    assert found["profile"]["warning"] is None
    # tfprof's node for a name holds the op of that name and every name under it.
    assert truth["a"][0] > 0 and truth["b"][0] > 0
    for name in ("a", "b", "a/MatMul", "b/MatMul", "b/Sum", "a/Relu"):
        micros, peak, *_ = truth[name]
        own = ops.get(name, {})
        below = scopes.get(name, {})
        extra = [cost for node, cost in made_by_tf if node.startswith(f"{name}/")]
        time = (own.get("micros") or 0) + (below.get("micros") or 0)
        assert time + sum(c[0] for c in extra) == micros, name
        memory = (own.get("peak_bytes") or 0) + (below.get("peak_bytes") or 0)
        assert memory + sum(c[1] for c in extra) == peak, name
    assert truth["a/MatMul"][1] == 2 * 64 * 256 * 4  # its output in each run, by its kernel
    devices = scopes[""]["device_micros"]
    assert devices[CPU0] == scopes["a"]["micros"] and devices[CPU1] == scopes["b"]["micros"]
    assert scopes[""]["micros"] == pytest.approx(sum(devices.values()))
    # what no op of the graph takes, TF's own nodes, is said apart
    assert found["profile"]["unattributed_micros"] >= sum(c[0] for _, c in made_by_tf) > 0


def test_eager_and_function_time_per_op_scope_and_device():
    found, _ = run_case("""
        w = tf.Variable(tf.ones([64, 32]), name="w")

        @tf.function
        def step(x):
            with tf.name_scope("layer"), tf.device("/CPU:1"):
                return tf.nn.relu(tf.matmul(x, w))

        x = tf.ones([16, 64])
        with jupyter_scope.record(profile=True) as rec:
            with tf.name_scope("left"), tf.device("/CPU:0"):
                y = tf.matmul(x, w)
            with tf.name_scope("right"), tf.device("/CPU:1"):
                z = tf.nn.relu(y) + 1.0
            step(x)
            step(x)
        report = rec.report
        print("RESULT " + json.dumps({
            "ops": report.ops, "scopes": report.scopes, "profile": report.meta["profile"],
            "time": report.display.get("time"),
        }))
    """)
    ops, scopes = found["ops"], {s["name"]: s for s in found["scopes"]}
    profile = found["profile"]
    assert profile["trace"] is True and profile["warning"] is None
    eager = [o for o in ops if o["graph"] == "eager" and not o["type"].startswith("__inference")]
    # every eager op the recorder saw was paired with the trace's, in order, type by type
    assert profile["eager_ops_timed"] == len(eager) > 0
    assert all(o["micros"] > 0 for o in eager)
    calls = [o for o in ops if o["type"].startswith("__inference")]
    assert len(calls) == 2 and all("micros" not in o for o in calls)  # timed by their ops
    function = {o.get("tf_name") or o["name"]: o for o in ops if o["graph"] != "eager"}
    assert function["layer/MatMul"]["micros"] > 0 and function["layer/Relu"]["micros"] > 0
    assert function["layer/MatMul"]["flops"] == 2 * 16 * 32 * 64
    timed = sum(o.get("micros") or 0 for o in ops)
    assert scopes[""]["micros"] == pytest.approx(timed, abs=1e-2)
    devices = scopes[""]["device_micros"]
    assert devices.keys() == {CPU0, CPU1}
    assert sum(devices.values()) == pytest.approx(scopes[""]["micros"], abs=1e-2)
    assert scopes["left"]["device_micros"].keys() == {CPU0}
    # the matmul runs on CPU:1, as asked; the variable's read where the variable lives
    matmul = function["layer/MatMul"]
    assert matmul["device"] == CPU1
    assert scopes["layer"]["device_micros"][CPU1] >= matmul["micros"]
    assert scopes["left"]["peak_bytes"] is None  # the profiler's CPU trace has no memory
    names = [entry["name"] for entry in found["time"]]
    assert set(names) <= set(scopes) | {"(top level)"} and "left" in names
    shares = [entry["share"] for entry in found["time"]]
    assert shares == sorted(shares, reverse=True) and 0 < sum(shares) <= 1.0001


def test_trace_reader_sums_are_the_traces(tf, tmp_path):
    """The reader against the XSpace itself, read apart with TF's proto classes: every
    function op's time (an event `name:type`), every eager kernel's."""
    from tensorflow.tsl.profiler.protobuf import xplane_pb2

    from jupyter_scope.capture import measured

    w = tf.Variable(tf.ones([32, 16]))

    @tf.function
    def step(x):
        return tf.nn.relu(tf.matmul(x, w))

    x = tf.ones([8, 32])
    step(x)
    tf.profiler.experimental.start(str(tmp_path))
    tf.nn.relu(tf.matmul(x, w))
    step(x)
    tf.profiler.experimental.stop()
    (path,) = tmp_path.glob("**/*.xplane.pb")
    data = path.read_bytes()
    trace = measured.Trace()
    measured.read_trace(xplane_pb2.XSpace, data, trace)

    space = xplane_pb2.XSpace()
    space.ParseFromString(data)
    ops_ps, kernels, runs = 0, [], []
    for plane in space.planes:
        for line in plane.lines:
            for event in line.events:
                meta = plane.event_metadata[event.metadata_id]
                span = (event.offset_ps, event.offset_ps + event.duration_ps)
                if meta.display_name and meta.name.endswith(f":{meta.display_name}"):
                    ops_ps += event.duration_ps
                elif meta.name == "EagerKernelExecute":
                    kernels.append(span)
                elif meta.name == "FunctionRun":
                    runs.append(span)
    # an eager kernel's run; the one that runs the function holds its ops, timed apart
    eager_ps = sum(
        end - start for start, end in kernels if not any(start <= s and e <= end for s, e in runs)
    )
    (function,) = trace.functions.values()
    assert {"MatMul", "Relu"} <= function.keys()
    assert sum(c.micros for c in function.values()) == pytest.approx(ops_ps / 1e6)
    assert [kind for kind, _ in trace.eager] == [
        "ReadVariableOp",
        "MatMul",
        "Relu",
        next(kind for kind, _ in trace.eager if kind.startswith("__inference_step")),
    ]
    assert trace.eager[-1][1] is None  # a function call: its ops are timed, not it
    assert sum(m for _, m in trace.eager[:3]) == pytest.approx(eager_ps / 1e6)


def _profile_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, ProfileWarning)]


def test_a_profiler_already_running_is_one_warning_and_no_measured_cost(tf, tmp_path):
    """TF runs one profiler at a time: with the user's own running, ours cannot start.
    The block runs, the report has everything but measured cost."""
    x = tf.ones([4, 4])
    tf.profiler.experimental.start(str(tmp_path))
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with jupyter_scope.record(profile=True) as rec:
                tf.matmul(x, x)
    finally:
        tf.profiler.experimental.stop()
    (message,) = _profile_warnings(caught)
    assert message.startswith("jupyter-scope: no measured cost: TF's profiler did not start (")
    assert "\n" not in message
    profile = rec.report.meta["profile"]
    assert profile["trace"] is False and profile["warning"] == message.removeprefix(
        "jupyter-scope: "
    )
    (matmul,) = [o for o in rec.report.ops if o["type"] == "MatMul"]
    assert matmul["flops"] == 2 * 4**3 and "micros" not in matmul
    assert rec.report.scopes[0]["micros"] is None  # unmeasured, never 0
    assert "time" not in rec.report.display


def test_an_empty_trace_is_one_warning(tf):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with jupyter_scope.record(profile=True) as rec:
            pass
    warning = rec.report.meta["profile"]["warning"]
    assert _profile_warnings(caught) == [f"jupyter-scope: {warning}"]
    assert "trace" in rec.report.meta["profile"]["warning"]


def test_an_unreadable_trace_is_one_warning(tf):
    from jupyter_scope.capture import measured, tf_api

    profiler = measured.Profiler(tf_api.load())
    tf.matmul(tf.ones([2, 2]), tf.ones([2, 2]))
    profiler.pause()
    written = [p for d in profiler._dirs for p in Path(d).glob("**/*.pb")]
    assert written
    for path in written:
        path.write_bytes(b"\x0a\xff\xff not an XSpace")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert profiler.stop() is None
    (message,) = _profile_warnings(caught)
    assert "trace could not be read (DecodeError" in message


def test_without_profile_nothing_is_measured(tf):
    x = tf.ones([4, 4])
    with jupyter_scope.record() as rec:
        tf.matmul(x, x)
    assert "profile" not in rec.report.meta
    assert all("micros" not in s for s in rec.report.scopes)
    assert all("micros" not in o for o in rec.report.ops)


def test_magic_profile(shell, capsys):
    result = shell.run_cell(
        "%%scopes profiled --quiet --profile\nx = tf.ones([8, 8])\ny = tf.matmul(x, x)\n"
    )
    assert result.success
    report = shell.user_ns["profiled"]
    assert report.meta["profile"]["eager_ops_timed"] >= 1
    (matmul,) = [o for o in report.ops if o["type"] == "MatMul"]
    assert matmul["micros"] > 0
    assert report.display["time"][0]["micros"] > 0


def test_every_export_carries_measured_cost(tf, tmp_path):
    import csv

    from jupyter_scope import ScopeReport
    from jupyter_scope.export import write

    x = tf.ones([16, 16])
    with jupyter_scope.record(profile=True) as rec:
        with tf.name_scope("heavy"):
            tf.matmul(tf.matmul(x, x), x)
        with tf.name_scope("light"):
            tf.nn.relu(x)
    report = rec.report
    heavy = next(s for s in report.scopes if s["name"] == "heavy")
    assert heavy["micros"] > 0 and heavy["flops"] == 2 * 2 * 16**3
    top = report.display["time"]
    assert {entry["name"] for entry in top} == {"heavy", "light"}
    assert top[0]["micros"] == max(entry["micros"] for entry in top)
    again = ScopeReport.from_json(report.to_json())  # the document keeps every field
    assert next(s for s in again.scopes if s["name"] == "heavy")["micros"] == heavy["micros"]
    assert again.display["time"] == top
    with open(write.export(report, tmp_path / "r.csv", ops=True), newline="") as f:
        rows = [row for row in csv.DictReader(f) if row["kind"] == "op"]
    matmuls = [row for row in rows if row["type"] == "MatMul"]
    assert [float(row["micros"]) for row in matmuls] == [
        o["micros"] for o in report.ops if o["type"] == "MatMul"
    ]
    assert all(row["flops"] == str(2 * 16**3) for row in matmuls)
    markdown = write.render(report, "md")
    assert "### Where the time goes" in markdown and f"1. {top[0]['text']}" in markdown
    assert "| time | peak |" in markdown
    text = report._repr_mimebundle_()["text/plain"]
    assert "where the time goes: " + top[0]["text"] in text
    assert top[0]["text"] in report._repr_mimebundle_()["text/html"]


def test_keras_fit_is_timed_per_op_and_scope(tf):
    keras = pytest.importorskip("keras")
    import numpy as np

    model = keras.Sequential([keras.Input((32,)), keras.layers.Dense(16), keras.layers.Dense(1)])
    model.compile("adam", "mse")
    x, y = np.ones([64, 32], np.float32), np.ones([64, 1], np.float32)
    with jupyter_scope.record(profile=True) as rec:
        model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    report = rec.report
    calls = {o["type"] for o in report.ops if o["type"].startswith("__inference")}
    eager = [o for o in report.ops if o["graph"] == "eager" and o["type"] not in calls]
    assert report.meta["profile"]["eager_ops_timed"] == len(eager) > 0
    # the train step's ops, run inlined in the function Keras calls, by their own names
    (step,) = [
        g["key"] for g in report.meta["graphs"] if g.get("name") == "one_step_on_data" and g["ran"]
    ]
    timed = [o for o in report.ops if o["graph"] == step and "micros" in o]
    assert any(o["type"] == "MatMul" and o["flops"] == 2 * 16 * 16 * 32 for o in timed)
    root = report.scopes[0]
    assert root["micros"] == pytest.approx(sum(o.get("micros") or 0 for o in report.ops), abs=0.1)
    assert report.display["time"]


@pytest.mark.parametrize(
    ("kind", "field", "value", "says"),
    [
        ("op", "micros", -1, "micros"),
        ("op", "micros", "12", "micros"),
        ("scope", "device_micros", {"/CPU:0": True}, "device_micros"),
        ("scope", "peak_bytes", 1.5, "peak_bytes"),
        ("meta", "profile", {"trace": "yes"}, "profile"),
    ],
)
def test_measured_fields_are_validated(tf, kind, field, value, says):
    from jupyter_scope import ScopeReport
    from jupyter_scope.document.codec import ReportFormatError

    x = tf.ones([4, 4])
    with jupyter_scope.record(profile=True) as rec:
        tf.matmul(x, x)
    data = rec.report.to_dict()
    assert ScopeReport.from_dict(data).to_dict() == data
    if kind == "meta":
        data["meta"][field] = value
    else:
        node = next(n for n in data["graph"]["nodes"] if n["kind"] == kind and field in n)
        node[field] = value
    with pytest.raises(ReportFormatError, match=says):
        ScopeReport.from_dict(data)


def test_magic_graph_profile_times_session_runs(shell):
    """`--graph`: the cell in a fresh graph, TF1; its runs' step stats, no profiler."""
    result = shell.run_cell(
        "%%scopes tf1 --quiet --graph --profile\n"
        "with tf.name_scope('net'):\n"
        "    y = tf.matmul(tf.ones([32, 32]), tf.ones([32, 32]))\n"
        "with tf.compat.v1.Session() as session:\n"
        "    session.run(y)\n"
    )
    assert result.success
    report = shell.user_ns["tf1"]
    assert report.meta["mode"] == "graph"
    assert report.meta["profile"]["session_runs"] == 1 and not report.meta["profile"]["trace"]
    (matmul,) = [o for o in report.ops if o["type"] == "MatMul"]
    assert matmul["micros"] >= 1 and matmul["peak_bytes"] == 32 * 32 * 4
    net = next(s for s in report.scopes if s["name"] == "net")
    assert net["micros"] >= matmul["micros"]
