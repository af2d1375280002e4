"""Measured cost (`record(profile=True)`) against TF's own answers: in a TF1 graph,
tfprof's scope view of the same graph and the same step stats
(`profile(graph, run_meta, cmd="scope", options=time_and_memory())`) gives each scope's
time and peak bytes; in TF2, the profiler's trace, read apart with TF's proto classes,
gives each op's time. On two logical CPUs: a fresh interpreter per case."""

from __future__ import annotations

import pytest

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
                # one run, so that the recording's step stats are the user's run_meta's
                with tf.name_scope("a"), tf.device("/CPU:0"):
                    y = tf.nn.relu(tf.matmul(x, tf.random.stateless_uniform([128, 256], [1, 2])))
                with tf.name_scope("b"), tf.device("/CPU:1"):
                    z = tf.reduce_sum(tf.matmul(y, tf.ones([256, 10])))
                with v1.Session(graph=graph) as session:
                    run_meta = v1.RunMetadata()
                    full = v1.RunOptions(trace_level=v1.RunOptions.FULL_TRACE)
                    feed = {x: np.ones([64, 128], np.float32)}
                    session.run(z, feed, options=full, run_metadata=run_meta)
        report = rec.report
        print("RESULT " + json.dumps({
            "truth": tfprof_scopes(graph, run_meta),
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
    assert found["profile"]["session_runs"] == 1
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
    assert truth["a/MatMul"][1] == 64 * 256 * 4  # its output, allocated by its kernel
    devices = scopes[""]["device_micros"]
    assert devices[CPU0] == scopes["a"]["micros"] and devices[CPU1] == scopes["b"]["micros"]
    assert scopes[""]["micros"] == pytest.approx(sum(devices.values()))
