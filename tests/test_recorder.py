"""The recorder's own guarantees: hooks undone whatever happens, nesting, no leaks,
the version guard, and the JSON document's round trip and validation."""

from __future__ import annotations

import gc
import json
import threading
import weakref

import pytest

import jupyter_scope
from jupyter_scope.capture import hooks, tf_api
from tests.helpers import by_name


def _patched_attributes(tf) -> dict[str, object]:
    from tensorflow.python.client import session
    from tensorflow.python.framework import ops
    from tensorflow.python.ops import variable_scope as vs
    from tensorflow.python.ops import variables

    return {
        "Graph.__init__": ops.Graph.__dict__["__init__"],
        "Graph._add_op": ops.Graph._add_op,  # inherited from TF's C++ PyGraph
        "name_scope_v1.__enter__": ops.name_scope_v1.__dict__["__enter__"],
        "name_scope_v2.__enter__": ops.name_scope_v2.__dict__["__enter__"],
        "variable_scope.__enter__": vs.variable_scope.__dict__["__enter__"],
        "VariableScope.get_variable": vs.VariableScope.__dict__["get_variable"],
        "_get_single_variable": vs._VariableStore.__dict__["_get_single_variable"],
        "_get_partitioned_variable": vs._VariableStore.__dict__["_get_partitioned_variable"],
        "VariableMetaclass.__call__": variables.VariableMetaclass.__dict__["__call__"],
        "BaseSession.run": session.BaseSession.__dict__["run"],
        "Thread.start": threading.Thread.__dict__["start"],
    }


@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyboardInterrupt()])
def test_hooks_are_removed_whatever_happens(tf, v1, graph, error):
    from tensorflow.python.eager import context

    before = _patched_attributes(tf)
    callbacks_before = list(context.context().op_callbacks)
    rec = jupyter_scope.record()
    with pytest.raises(type(error)), rec:
        assert _patched_attributes(tf) != before  # installed while inside
        v1.get_variable("w", [1])
        raise error
    assert _patched_attributes(tf) == before
    assert not hooks.installed()
    assert list(context.context().op_callbacks) == callbacks_before
    assert rec.report.error["type"] == type(error).__name__
    assert [v["name"] for v in rec.report.variables] == ["w"]


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_while_the_report_is_made_and_left_as_it_was(
    tf, v1, graph, monkeypatch, enabled
):
    """Every container the report is made of is kept: Python's collector is off while
    they are made, and as the user left it afterwards, whatever the block raised."""
    from jupyter_scope.capture import recorder

    collecting = []

    def build_report(capture):
        collecting.append(gc.isenabled())
        return real_build_report(capture)

    real_build_report = recorder.build_report
    monkeypatch.setattr(recorder, "build_report", build_report)
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with jupyter_scope.record() as rec:
            v1.get_variable("w", [1])
        with pytest.raises(RuntimeError), jupyter_scope.record() as failed:
            v1.get_variable("v", [1])
            raise RuntimeError("boom")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
    assert collecting == [False, False]
    assert [v["name"] for v in rec.report.variables] == ["w"]
    assert [v["name"] for v in failed.report.variables] == ["v"]


def test_a_failed_entry_removes_its_hooks(tf, monkeypatch):
    from tensorflow.python.eager import context

    from jupyter_scope.capture.recorder import Recording

    before = _patched_attributes(tf)
    callbacks_before = list(context.context().op_callbacks)
    # The last step of entry, after the hooks went in: TF refuses a callback of None.
    monkeypatch.setattr(Recording, "_on_eager_op", None)
    with jupyter_scope.record(ops=False) as outer:  # adds no op callback
        with pytest.raises(ValueError, match="callback"), jupyter_scope.record():
            pass
        assert hooks.installed()  # the outer recording keeps its hooks
        tf.Variable([1.0], name="after_failure")
    assert [v["name"] for v in outer.report.variables] == ["after_failure"]
    with pytest.raises(ValueError, match="callback"), jupyter_scope.record():
        pass
    assert not hooks.installed()
    assert _patched_attributes(tf) == before
    assert list(context.context().op_callbacks) == callbacks_before


def test_recordings_nest(tf, v1, graph):
    with jupyter_scope.record() as outer:
        v1.get_variable("a", [1])
        with jupyter_scope.record() as inner:
            v1.get_variable("b", [1])
        assert hooks.installed()  # the outer recording still listens
        v1.get_variable("c", [1])
    assert not hooks.installed()
    assert [v["name"] for v in inner.report.variables] == ["b"]
    assert sorted(v["name"] for v in outer.report.variables) == ["a", "b", "c"]


def _in_threads(*targets) -> None:
    """Run each target in its own thread at once; re-raise the first failure here."""
    errors: list[BaseException] = []

    def guarded(target):
        try:
            target()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def test_a_recording_belongs_to_its_thread(tf):
    both_recording = threading.Barrier(2, timeout=60)
    both_created = threading.Barrier(2, timeout=60)
    reports = {}

    def record_in_thread(name: str) -> None:
        with jupyter_scope.record() as rec:
            both_recording.wait()  # each creates while the other records
            with tf.name_scope(name):
                tf.Variable(tf.ones([2]) * 3.0, name=f"{name}_var")
            both_created.wait()
        reports[name] = rec.report

    _in_threads(lambda: record_in_thread("a"), lambda: record_in_thread("b"))
    assert not hooks.installed()
    for name, report in reports.items():
        assert [v["name"] for v in report.variables] == [f"{name}/{name}_var"]
        assert report.ops and all(op["name"].startswith(f"{name}/") for op in report.ops)


def test_threads_started_inside_the_recording_report_to_it(tf):
    made_elsewhere = threading.Event()
    elsewhere_done = threading.Event()

    def unrelated() -> None:  # started before the recording: not its child
        made_elsewhere.wait(60)
        tf.Variable([0.0], name="unrelated")
        elsewhere_done.set()

    before = threading.Thread(target=unrelated)
    before.start()
    with jupyter_scope.record() as rec:
        _in_threads(lambda: _in_threads(lambda: tf.Variable([1.0], name="grandchild")))
        made_elsewhere.set()
        assert elsewhere_done.wait(60)
    before.join()
    assert [v["name"] for v in rec.report.variables] == ["grandchild"]


def test_eager_ops_of_other_threads_are_not_recorded(tf):
    # The limit of docs/guarantees.md: TF keeps op callbacks per thread.
    with jupyter_scope.record() as rec:
        _in_threads(lambda: tf.ones([2]) * 5.0)
        tf.ones([3]) + 1.0
    assert [op["type"] for op in rec.report.ops] == ["Fill", "AddV2"]


def test_nothing_keeps_tf_objects_alive(tf, v1):
    def build():
        g = tf.Graph()
        with g.as_default(), jupyter_scope.record() as rec:
            w = v1.get_variable("w", [3])
            tf.identity(w)
        return rec, weakref.ref(g), weakref.ref(w)

    rec, graph_ref, var_ref = build()
    gc.collect()
    assert graph_ref() is None and var_ref() is None
    assert by_name(rec.report, "w")["shape"] == [3]


def test_eager_tensors_are_not_kept(tf):
    with jupyter_scope.record() as rec:
        x = tf.constant([1.0, 2.0]) * 3.0
        ref = weakref.ref(x)
        del x
    gc.collect()
    assert ref() is None
    assert any(o["type"] == "Mul" for o in rec.report.ops)


def test_no_ops_option(tf, v1, graph):
    with jupyter_scope.record(ops=False) as rec:
        v1.get_variable("w", [2])
        tf.constant(1.0)
    assert rec.report.ops == [] and [v["name"] for v in rec.report.variables] == ["w"]


def test_missing_internal_gives_a_clear_error(monkeypatch):
    from tensorflow.python.ops import variable_scope as vs

    monkeypatch.delattr(vs._VariableStore, "_get_partitioned_variable")
    tf_api.load.cache_clear()
    try:
        with (
            pytest.raises(tf_api.UnsupportedTensorFlow, match="_get_partitioned_variable"),
            jupyter_scope.record(),
        ):
            pass
    finally:
        monkeypatch.undo()
        tf_api.load.cache_clear()
    assert not hooks.installed()


def test_json_round_trip_is_lossless(tf, v1, graph):
    with jupyter_scope.record() as rec, v1.variable_scope("s"):
        w = v1.get_variable("w", [2, 3])
        tf.matmul(tf.ones([1, 2]), w)
    report = rec.report
    again = jupyter_scope.ScopeReport.from_json(report.to_json())
    assert again.to_dict() == report.to_dict()
    assert json.loads(report.to_json())["schema"] == "jupyter-scope.report/1.5"
    assert report.meta["tf_version"] == tf.__version__
    assert report.meta["mode"] == "graph" and report.meta["wall_time"] > 0
    assert {d["device_type"] for d in report.meta["devices"]} >= {"CPU"}


def test_a_loaded_report_shares_repeated_values(tf, v1, graph):
    with jupyter_scope.record() as rec, v1.variable_scope("s"):
        v1.get_variable("w", [2, 3])
        tf.ones([2]) + tf.ones([2])
    again = jupyter_scope.ScopeReport.from_json(rec.report.to_json())
    ops = again.graph.nodes(data=True)
    kinds = [data["kind"] for _, data in ops if data["kind"] == "op"]
    graphs = [data["graph"] for _, data in ops if data["kind"] == "op"]
    assert len(kinds) > 3
    assert all(k is kinds[0] for k in kinds) and all(g is graphs[0] for g in graphs)
    edge_kinds = [kind for *_, kind in again.graph.edges(data="kind") if kind == "contains"]
    assert all(k is edge_kinds[0] for k in edge_kinds)


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda d: d.update(schema="jupyter-scope.report/2"), "unsupported report version"),
        (lambda d: d.update(schema="something-else/1"), "not a jupyter-scope report"),
        (lambda d: d["meta"].pop("mode"), "'mode' is a required property"),
        (lambda d: d["graph"]["nodes"][1].update(kind="planet"), "graph/nodes/1/kind"),
        (
            lambda d: d["graph"]["edges"].append(
                {"source": "scope:", "target": "nowhere", "kind": "contains"}
            ),
            "'nowhere' is not a node",
        ),
    ],
)
def test_from_json_refuses_bad_documents(mangle, message):
    with open("tests/data/sample_report.json") as f:
        data = json.load(f)
    mangle(data)
    with pytest.raises(jupyter_scope.ReportFormatError, match=message):
        jupyter_scope.ScopeReport.from_json(json.dumps(data))


def test_from_json_refuses_truncated_text():
    with open("tests/data/sample_report.json") as f:
        text = f.read()
    with pytest.raises(jupyter_scope.ReportFormatError, match="invalid JSON at line"):
        jupyter_scope.ScopeReport.from_json(text[: len(text) // 2])


def test_graph_mode_recording_leaves_tf_op_callbacks_alone(tf, v1, graph):
    """Op callbacks make TF serialise every graph op; a graph-mode block has no eager ops."""
    from tensorflow.python.eager import context

    with jupyter_scope.record() as rec:
        assert list(context.context().op_callbacks) == []
        tf.constant(1.0, name="c")
    assert [o["name"] for o in rec.report.ops] == ["c"]
    eager_rec = jupyter_scope.record()
    with context.eager_mode(), eager_rec:
        assert len(context.context().op_callbacks) == 1


def test_graph_ops_built_under_an_eager_recording_skip_its_op_callback(tf):
    """TF serialises each graph op's NodeDef for op callbacks; a recording's own callback
    takes eager ops only, and another callback (tfdbg's) still sees graph ops."""
    from tensorflow.python.framework import op_callbacks

    seen = []

    def other(op_type, inputs, attrs, outputs, op_name=None, graph=None):
        seen.append(op_name)

    with jupyter_scope.record() as rec, tf.Graph().as_default():
        assert not op_callbacks.should_invoke_op_callbacks()
        tf.constant(1.0, name="c")
        op_callbacks.add_op_callback(other)
        try:
            assert op_callbacks.should_invoke_op_callbacks()
            tf.constant(2.0, name="d")
        finally:
            op_callbacks.remove_op_callback(other)
    assert seen == ["d"]
    assert [o["name"] for o in rec.report.ops] == ["c", "d"]
    assert not hooks.installed() and hooks._eager_callbacks == []
