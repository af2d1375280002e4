"""`jupyter_scope.load` and `report.match` against checkpoints, SavedModels, GraphDefs and
event files that TensorFlow writes here; every expectation is TF's own account
(`list_variables`, the checkpoint's tensors, `init_from_checkpoint`, `Checkpoint.restore`)."""

from __future__ import annotations

import csv
import html
import io
import json
import math
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

import jupyter_scope
from jupyter_scope import ReportFormatError, ScopeReport, cli
from jupyter_scope.analysis.match import VALUE_SUFFIX
from jupyter_scope.present import human, section
from jupyter_scope.present.section import MATCH_STATES

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")
vgg = pytest.importorskip("tf_slim.nets.vgg")

v1 = tf.compat.v1
CLASSES = 10


def build_vgg(num_classes: int = CLASSES, scope: str = "vgg_a", outer: str | None = None):
    images = v1.placeholder(tf.float32, [None, 224, 224, 3])
    if outer is None:
        return vgg.vgg_a(images, num_classes=num_classes, scope=scope)
    with v1.variable_scope(outer):
        return vgg.vgg_a(images, num_classes=num_classes, scope=scope)


@pytest.fixture(scope="module")
def vgg_files(tmp_path_factory):
    """vgg_a saved by a Saver (with a global step the model does not have), its graph as
    .pb, .pbtxt and in an event file."""
    root = tmp_path_factory.mktemp("vgg")
    graph = tf.Graph()
    with graph.as_default():
        with tf.device("/cpu:0"):
            build_vgg()
        v1.train.get_or_create_global_step()
        with v1.Session() as session:
            session.run(v1.global_variables_initializer())
            prefix = v1.train.Saver().save(session, str(root / "ckpt" / "model.ckpt"))
        tf.io.write_graph(graph, str(root), "graph.pbtxt")
        tf.io.write_graph(graph, str(root), "graph.pb", as_text=False)
        writer = v1.summary.FileWriter(str(root / "events"), graph=graph)
        writer.close()
    return {"prefix": prefix, "root": root, "graph_def": graph.as_graph_def()}


def truth(prefix: str) -> dict[str, tuple[list[int], str]]:
    reader = tf.train.load_checkpoint(prefix)
    dtypes = reader.get_variable_to_dtype_map()
    return {name: (shape, dtypes[name].name) for name, shape in tf.train.list_variables(prefix)}


def variables(report: ScopeReport) -> dict[str, dict]:
    return {v["name"]: v for v in report.variables}


def recorded(build, *args, **kwargs) -> tuple[ScopeReport, tf.Graph]:
    graph = tf.Graph()
    with graph.as_default(), jupyter_scope.record() as recording:
        build(*args, **kwargs)
    return recording.report, graph


# -- loading ---------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["prefix", "directory", "index file"])
def test_name_based_checkpoint_is_what_tf_lists(vgg_files, which):
    prefix = vgg_files["prefix"]
    path = {"prefix": prefix, "directory": Path(prefix).parent, "index file": prefix + ".index"}
    report = jupyter_scope.load(path[which])
    expected = truth(prefix)
    found = variables(report)
    assert {n: (v["shape"], v["dtype"]) for n, v in found.items()} == expected
    for name, (shape, dtype) in expected.items():
        var = found[name]
        assert var["params"] == math.prod(shape)
        assert var["bytes"] == math.prod(shape) * tf.as_dtype(dtype).size
        assert (var["created"], var["reuse_count"], var["trainable"]) == (None, None, None)
    assert report.meta["source"] == {
        "kind": "checkpoint",
        "path": str(path[which] if which != "index file" else prefix),
        "prefix": prefix,
        "format": "name-based",
    }
    assert report.summary()["params"] == sum(math.prod(s) for s, _ in expected.values())
    # every display and export works on it, and the document validates
    again = ScopeReport.from_json(report.to_json())
    assert variables(again) == found
    assert "vgg_a/" in report._repr_mimebundle_()["text/plain"]


@pytest.mark.parametrize("format", ["json", "graphml", "dot", "md", "csv"])
def test_loaded_report_exports(tmp_path, vgg_files, format):
    report = jupyter_scope.load(vgg_files["prefix"])
    text = report.export(tmp_path / f"r.{format}").read_text()
    assert "vgg_a/fc8/weights" in text
    if format == "md":  # a file does not say whether it was created or reused
        row = next(line for line in text.splitlines() if line.startswith("| `vgg_a/fc8/weights`"))
        assert row.split("|")[6].strip() == ""


def test_graph_def_and_event_file_hold_tf_graph(vgg_files):
    graph_def = vgg_files["graph_def"]
    nodes = {n.name: (n.op, n.device or None) for n in graph_def.node}
    var_ops = {n.name for n in graph_def.node if n.op in ("VarHandleOp", "VariableV2")}
    assert var_ops  # the net's variables are in its graph
    root = vgg_files["root"]
    for path in (root / "graph.pb", root / "graph.pbtxt", root / "events"):
        report = jupyter_scope.load(path)
        assert {o["name"]: (o["type"], o["device_requested"]) for o in report.ops} == nodes
        assert set(variables(report)) == var_ops
        shapes = truth(vgg_files["prefix"])
        for name, var in variables(report).items():
            assert (var["shape"], var["dtype"]) == shapes[name]
        scopes = {s["name"] for s in report.scopes}
        assert {"vgg_a", "vgg_a/conv1", "vgg_a/fc8"} <= scopes
    assert jupyter_scope.load(root / "events").meta["source"]["kind"] == "event-file"


def test_tf2_summary_graph_event_file(tmp_path):
    @tf.function
    def step(x):
        return tf.nn.relu(tf.matmul(x, x, name="square"), name="act")

    concrete = step.get_concrete_function(tf.TensorSpec([2, 2]))
    with tf.summary.create_file_writer(str(tmp_path)).as_default():
        tf.summary.graph(concrete.graph)
    report = jupyter_scope.load(tmp_path)
    expected = {n.name: n.op for n in concrete.graph.as_graph_def().node}
    assert {o["name"]: o["type"] for o in report.ops} == expected


def test_object_based_checkpoint_is_its_object_graph(tmp_path):
    model = net(("hidden", 3), ("out", 2))
    prefix = tf.train.Checkpoint(model=model).write(str(tmp_path / "ckpt"))
    report = jupyter_scope.load(prefix)
    expected = truth(prefix)
    del expected["_CHECKPOINTABLE_OBJECT_GRAPH"]
    found = variables(report)
    assert {n + VALUE_SUFFIX: (v["shape"], v["dtype"]) for n, v in found.items()} == expected
    # the object graph's full names are the Keras paths of the model's weights
    assert {v["tf_name"] for v in found.values()} == {w.path for w in model.weights}
    assert report.meta["source"]["format"] == "object-based"


def test_saved_model_of_a_module(tmp_path):
    class Affine(tf.Module):
        def __init__(self):
            self.w = tf.Variable(tf.ones([3, 2]), name="weights")
            self.b = tf.Variable(tf.zeros([2], tf.float64), name="bias")

        @tf.function(input_signature=[tf.TensorSpec([None, 3])])
        def __call__(self, x):
            return x @ self.w + tf.cast(self.b, tf.float32)

    tf.saved_model.save(Affine(), str(tmp_path))
    report = jupyter_scope.load(tmp_path)
    restored = tf.saved_model.load(str(tmp_path))
    found = variables(report)
    assert {n: (v["shape"], v["dtype"], v["tf_name"]) for n, v in found.items()} == {
        "w": (restored.w.shape.as_list(), "float32", "weights"),
        "b": (restored.b.shape.as_list(), "float64", "bias"),
    }
    assert report.meta["source"]["kind"] == "saved-model"
    assert report.meta["source"]["tags"] == ["serve"]


def test_loading_a_json_report_needs_no_tensorflow(tmp_path, vgg_files):
    path = tmp_path / "r.json"
    jupyter_scope.load(vgg_files["prefix"]).export(path)
    code = (
        "import sys, jupyter_scope\n"
        f"r = jupyter_scope.load({str(path)!r})\n"
        "assert 'tensorflow' not in sys.modules, 'imported TF'\n"
        "print(len(r.variables))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(out.stdout) == len(truth(vgg_files["prefix"]))


# -- matching a TF1 model against its checkpoint ---------------------------------------------


def test_same_model_matches_all_but_what_only_the_checkpoint_has(vgg_files):
    report, graph = recorded(build_vgg)
    match = report.match(jupyter_scope.load(vgg_files["prefix"]))
    names = {v.op.name for v in graph.get_collection("variables")}
    in_checkpoint = set(truth(vgg_files["prefix"]))
    assert match.missing == sorted(names - in_checkpoint) == []
    assert match.unexpected == sorted(in_checkpoint - names) == ["global_step"]
    assert match.assignment_map == {n: n for n in names}
    assert not match.all_matched


@pytest.mark.parametrize(
    ("scope", "outer", "classes"),
    [("new_vgg", None, 5), ("vgg_a", "tower", CLASSES)],
    ids=["renamed-and-resized", "under-another-scope"],
)
def test_assignment_map_restores_the_checkpoint_values(vgg_files, scope, outer, classes):
    prefix = vgg_files["prefix"]
    report, graph = recorded(build_vgg, classes, scope, outer)
    match = report.match(jupyter_scope.load(prefix))
    reader = tf.train.load_checkpoint(prefix)
    shapes = truth(prefix)
    ours = {v.op.name: v for v in graph.get_collection("variables")}
    mismatched = {
        n for n in ours if shapes.get(match.pairs.get(n, ""), (None,))[0] != ours[n].shape
    }
    assert match.missing == []
    assert match.unexpected == ["global_step"]
    assert [row[0] for row in match.shape_mismatch] == sorted(mismatched)
    for name, report_shape, checkpoint_shape in match.shape_mismatch:
        assert report_shape == ours[name].shape.as_list()
        assert checkpoint_shape == shapes[match.pairs[name]][0]
    assert bool(mismatched) == (classes != CLASSES)
    assert len(match.assignment_map) == len(ours) - len(mismatched)

    with graph.as_default():
        v1.train.init_from_checkpoint(prefix, match.assignment_map)  # accepted as is
        with v1.Session() as session:
            session.run(v1.global_variables_initializer())
            for checkpoint_name, name in match.assignment_map.items():
                value = session.run(ours[name])
                np.testing.assert_array_equal(value, reader.get_tensor(checkpoint_name))
        for name in mismatched:  # what the map leaves out, TF refuses to restore
            with pytest.raises(ValueError, match=r"[Ss]hape"):
                v1.train.init_from_checkpoint(prefix, {match.pairs[name]: name})


@pytest.fixture
def floats_prefix(tmp_path):
    """A checkpoint of two float32 variables, `net/a` and `net/b`."""
    graph = tf.Graph()
    with graph.as_default():
        v1.get_variable("net/a", [2], tf.float32)
        v1.get_variable("net/b", [2], tf.float32)
        with v1.Session() as session:
            session.run(v1.global_variables_initializer())
            return v1.train.Saver().save(session, str(tmp_path / "m.ckpt"))


def test_dtype_mismatch_is_left_out_of_the_map(floats_prefix):
    prefix = floats_prefix

    def build():
        v1.get_variable("net/a", [2], tf.float64)
        v1.get_variable("net/b", [2], tf.float32)

    report, graph = recorded(build)
    match = report.match(jupyter_scope.load(prefix))
    assert match.dtype_mismatch == [("net/a", "float64", "float32")]
    assert match.assignment_map == {"net/b": "net/b"}
    with graph.as_default(), v1.Session() as session:  # TF cannot restore what it leaves out
        v1.train.init_from_checkpoint(prefix, {"net/a": "net/a"})
        with pytest.raises(tf.errors.InvalidArgumentError, match="dtype"):
            session.run(v1.global_variables_initializer())


# -- matching a Keras model against an object-based checkpoint -------------------------------


def net(*layers: tuple[str, int]):
    dense = [keras.layers.Dense(units, name=name) for name, units in layers]
    return keras.Sequential([keras.Input((4,)), *dense], name="net")


@pytest.fixture(scope="module")
def keras_checkpoint(tmp_path_factory):
    model = net(("hidden", 3), ("out", 2))
    return tf.train.Checkpoint(model=model).write(str(tmp_path_factory.mktemp("k") / "ckpt"))


def test_bigger_keras_model_misses_what_restore_leaves_unbound(keras_checkpoint):
    with jupyter_scope.record() as recording:
        model = net(("hidden", 3), ("out", 2), ("extra", 1))
    match = recording.report.match(jupyter_scope.load(keras_checkpoint))
    status = tf.train.Checkpoint(model=model).restore(keras_checkpoint)
    bound = {id(obj) for obj in status._checkpoint.object_by_proto_id.values()}
    unbound = sorted(
        w.path for w in model.weights if id(w.value) not in bound and id(w) not in bound
    )
    assert match.missing == unbound == ["net/extra/bias", "net/extra/kernel"]
    assert match.unexpected == match.unresolved == []
    reader = tf.train.load_checkpoint(keras_checkpoint)
    weights = {w.path: w for w in model.weights}
    assert len(match.assignment_map) == 4
    for key, name in match.assignment_map.items():  # restore put these values there
        np.testing.assert_array_equal(weights[name].numpy(), reader.get_tensor(key))


def test_smaller_keras_model_leaves_checkpoint_values_unresolved(keras_checkpoint):
    with jupyter_scope.record() as recording:
        model = net(("hidden", 3))
    match = recording.report.match(jupyter_scope.load(keras_checkpoint))
    status = tf.train.Checkpoint(model=model).restore(keras_checkpoint)
    checkpoint = status._checkpoint
    unresolved = sorted(
        attribute.checkpoint_key.removesuffix(VALUE_SUFFIX)
        for i, node in enumerate(checkpoint.object_graph_proto.nodes)
        if i not in checkpoint.object_by_proto_id
        for attribute in node.attributes
    )
    assert unresolved and match.unresolved == match.unexpected == unresolved
    assert match.missing == []
    with pytest.raises(AssertionError):
        status.assert_consumed()
    status.expect_partial()


# -- bad input -------------------------------------------------------------------------------


def one_line_error(path) -> str:
    with pytest.raises(ReportFormatError) as caught:
        jupyter_scope.load(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message and "expected" in message
    return message


def test_missing_truncated_and_foreign_inputs(tmp_path, vgg_files):
    assert "no such file" in one_line_error(tmp_path / "gone.ckpt")
    assert "no such file" in one_line_error(tmp_path / "gone.pb")
    # a truncated checkpoint index
    index = Path(vgg_files["prefix"] + ".index").read_bytes()
    (tmp_path / "cut.ckpt.index").write_bytes(index[: len(index) // 2])
    assert "not a readable TF checkpoint" in one_line_error(tmp_path / "cut.ckpt")
    # a truncated GraphDef, binary and text
    graph = (vgg_files["root"] / "graph.pb").read_bytes()
    (tmp_path / "cut.pb").write_bytes(graph[: len(graph) // 2])
    assert "GraphDef" in one_line_error(tmp_path / "cut.pb")
    text = (vgg_files["root"] / "graph.pbtxt").read_text()
    (tmp_path / "cut.pbtxt").write_text(text[: len(text) // 2])
    assert "GraphDef" in one_line_error(tmp_path / "cut.pbtxt")
    # foreign files: a PNG named .pb, a text file, a directory of nothing TF wrote
    (tmp_path / "picture.pb").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert "GraphDef" in one_line_error(tmp_path / "picture.pb")
    (tmp_path / "notes.txt").write_text("hello\n")
    assert "not a file jupyter-scope can read" in one_line_error(tmp_path / "notes.txt")
    (tmp_path / "empty").mkdir()
    one_line_error(tmp_path / "empty")
    # an event file without a graph, and a truncated one
    with tf.summary.create_file_writer(str(tmp_path / "scalars")).as_default():
        tf.summary.write("loss", 1.0, step=0)
    events = next((tmp_path / "scalars").glob("events.out.tfevents.*"))
    assert "without a graph" in one_line_error(events)
    full = next((vgg_files["root"] / "events").glob("events.out.tfevents.*")).read_bytes()
    cut = tmp_path / "events.out.tfevents.cut"
    cut.write_bytes(full[: len(full) - 100])
    assert "event file" in one_line_error(cut)


def test_json_errors_name_the_file(tmp_path):
    bad = tmp_path / "r.json"
    bad.write_text('{"schema": "jupyter-scope.report/1.1"')
    with pytest.raises(ReportFormatError, match=r"r\.json: not a jupyter-scope report"):
        jupyter_scope.load(bad)


# -- the match as data, on screen and on disk ------------------------------------------------


def test_match_display_and_export(tmp_path, vgg_files):
    report, _ = recorded(build_vgg, 5, "new_vgg")
    match = report.match(jupyter_scope.load(vgg_files["prefix"]))
    bundle = match._repr_mimebundle_()
    assert "renamed vgg_a/ → new_vgg/" in bundle["text/plain"]
    assert (
        "≠ new_vgg/fc8/weights ← vgg_a/fc8/weights  [1,1,4096,5] ≠ [1,1,4096,10]"
        in (bundle["text/plain"])
    )
    assert "+ global_step" in bundle["text/plain"]
    # one row a variable: 22 pairs, and the step only the checkpoint has
    assert bundle["text/html"].count("<tr>") == len(truth(vgg_files["prefix"]))
    path = match.export(tmp_path / "match.json")
    data = json.loads(path.read_text())
    assert data["assignment_map"] == match.assignment_map
    assert data["shape_mismatch"][0] == ["new_vgg/fc8/biases", [5], [10]]
    assert data == json.loads(json.dumps(match.to_dict()))
    from jupyter_scope.export.write import ExportError

    with pytest.raises(ExportError, match="already exists"):
        match.export(path)
    with pytest.raises(ExportError, match="cannot tell the format"):
        match.export(tmp_path / "match.txt")
    assert not (tmp_path / "match.txt").exists()


# -- the match as a tree coloured by match state ---------------------------------------------


def shown_states(match) -> dict[str, tuple[str, str, list[str]]]:
    """By name: the tree's state, row colour and match badges of each variable."""
    shown = match.tree.display
    return {
        v["name"]: (
            v["match"]["state"],
            shown["nodes"][v["id"]]["colour"],
            [b["text"] for b in section.node_badges(shown, v["id"]) if b["kind"] == "match"],
        )
        for v in match.tree.variables
    }


def test_match_tree_shows_renames_and_resized_layers_as_tf_has_them(vgg_files):
    prefix = vgg_files["prefix"]
    report, graph = recorded(build_vgg, 5, "new_vgg")
    match = report.match(jupyter_scope.load(prefix))
    shapes = truth(prefix)
    expected = {}
    for var in graph.get_collection("variables"):
        theirs = var.op.name.replace("new_vgg/", "vgg_a/", 1)
        ours, checkpoint = var.shape.as_list(), shapes[theirs][0]
        if ours == checkpoint:
            expected[var.op.name] = ("renamed", [f"← {theirs}"])
        else:
            expected[var.op.name] = (
                "shape",
                [f"shape {human.shape(ours)} ≠ {human.shape(checkpoint)}"],
            )
    for name in set(shapes) - {v.replace("new_vgg/", "vgg_a/", 1) for v in expected}:
        expected[name] = ("unexpected", ["unexpected"])
    shown = shown_states(match)
    assert {n: (state, badges) for n, (state, _, badges) in shown.items()} == expected
    assert {n: colour for n, (_, colour, _) in shown.items()} == {
        n: MATCH_STATES[state][0] for n, (state, _) in expected.items()
    }
    resized = sorted(n for n, (state, _) in expected.items() if state == "shape")
    assert resized == ["new_vgg/fc8/biases", "new_vgg/fc8/weights"]  # the new classifier
    renamed = len(expected) - len(resized) - 1
    line = f"{renamed} matched ({renamed} renamed), 1 unexpected, 2 shape mismatch"
    display = match.tree.display
    assert display["summary"]["line"] == display["card"]["counts"] == line
    assert section.match_counts(match.tree.graph) == match.counts()
    assert display["heading"].startswith("“report vs model.ckpt” · matched against ")
    assert "renamed vgg_a/ → new_vgg/" in display["heading"]
    scopes = {s["name"]: display["nodes"][s["id"]].get("colour") for s in match.tree.scopes}
    assert scopes["new_vgg/fc8"] == MATCH_STATES["shape"][0]  # all it holds differ
    assert scopes["new_vgg/conv1"] == MATCH_STATES["renamed"][0]
    assert scopes["new_vgg"] is None  # mixed: no one colour
    assert not any(op for op in match.tree.ops)  # variables only


def test_match_tree_missing_and_dtype_mismatch(floats_prefix):
    prefix = floats_prefix

    def build():
        v1.get_variable("net/a", [2], tf.float64)
        v1.get_variable("net/b", [2], tf.float32)
        v1.get_variable("net/c", [3], tf.float32)

    report, _ = recorded(build)
    match = report.match(jupyter_scope.load(prefix))
    dtypes = {name: dtype for name, (_, dtype) in truth(prefix).items()}
    assert shown_states(match) == {
        "net/a": ("dtype", MATCH_STATES["dtype"][0], [f"dtype float64 ≠ {dtypes['net/a']}"]),
        "net/b": ("matched", MATCH_STATES["matched"][0], ["matched"]),
        "net/c": ("missing", MATCH_STATES["missing"][0], ["missing"]),
    }
    assert "net/c" not in dtypes
    assert match.tree.display["summary"]["line"] == "1 matched, 1 missing, 1 dtype mismatch"


def test_match_tree_of_a_keras_model_against_its_object_graph(keras_checkpoint):
    with jupyter_scope.record() as recording:
        net(("hidden", 3), ("out", 2), ("extra", 1))
    match = recording.report.match(jupyter_scope.load(keras_checkpoint))
    reader = tf.train.load_checkpoint(keras_checkpoint)
    keys = {k.removesuffix(VALUE_SUFFIX) for k in reader.get_variable_to_shape_map()}
    states = shown_states(match)
    assert {n for n, (state, *_) in states.items() if state == "missing"} == set(match.missing)
    for var in match.tree.variables:  # each matched one names its value in the checkpoint
        if var["match"]["state"] == "matched":
            assert var["match"]["checkpoint"] in keys
    assert match.tree.display["summary"]["line"] == "4 matched, 2 missing"


def test_match_bundle_carries_the_tree_document(vgg_files):
    report, _ = recorded(build_vgg, 5, "new_vgg")
    match = report.match(jupyter_scope.load(vgg_files["prefix"]))
    bundle = match._repr_mimebundle_()
    document = bundle[jupyter_scope.MIME_TYPE]
    assert document == match.tree.to_dict()
    again = ScopeReport.from_dict(json.loads(json.dumps(document)))  # a valid report
    assert again.display == match.tree.display
    weights = next(v for v in again.variables if v["name"] == "new_vgg/fc8/weights")
    assert weights["match"] == {
        "state": "shape",
        "checkpoint": "vgg_a/fc8/weights",
        "shape": [[1, 1, 4096, 5], [1, 1, 4096, CLASSES]],
    }


@pytest.mark.parametrize("format", ["json", "html", "graphml", "dot", "md", "csv"])
def test_match_exports_every_format(tmp_path, vgg_files, format):
    report, _ = recorded(build_vgg, 5, "new_vgg")
    match = report.match(jupyter_scope.load(vgg_files["prefix"]))
    path = match.export(tmp_path / f"match.{format}")
    text = path.read_text(encoding="utf-8")
    badge = "shape [1,1,4096,5] ≠ [1,1,4096,10]"
    line = match.tree.display["summary"]["line"]
    if format == "json":  # the match's own data
        assert json.loads(text) == json.loads(json.dumps(match.to_dict()))
    elif format == "html":  # the standalone page draws the tree's document
        assert badge in text and html.escape(line) in text
    elif format == "graphml":
        graph = nx.read_graphml(path)
        variables = {d["name"]: d for _, d in graph.nodes(data=True) if d["kind"] == "variable"}
        assert json.loads(variables["new_vgg/fc8/weights"]["match"])["state"] == "shape"
        assert json.loads(variables["global_step"]["match"]) == {
            "state": "unexpected",
            "checkpoint": "global_step",
        }
    elif format == "dot":
        weights = next(ln for ln in text.splitlines() if "new_vgg/fc8/weights" in ln)
        assert f'fillcolor="{MATCH_STATES["shape"][0]}"' in weights
        assert line in text and 'label="match"' in text
    elif format == "md":
        row = next(ln for ln in text.splitlines() if "`new_vgg/fc8/weights`" in ln)
        assert row.split(" | ")[1] == badge
        assert f"**{line}**" in text
    else:
        rows = {r["name"]: r for r in csv.DictReader(io.StringIO(text, newline=""))}
        assert rows["new_vgg/fc8/weights"]["match"] == badge
        assert rows["global_step"]["match"] == "unexpected"
        assert rows["new_vgg/conv1/conv1_1/weights"]["match"] == ("← vgg_a/conv1/conv1_1/weights")


# -- the command line and the magic ----------------------------------------------------------


def run_main(capsys, *args: str) -> tuple[int, str, str]:
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_show_and_match(tmp_path, capsys, vgg_files):
    prefix = vgg_files["prefix"]
    status, out, _ = run_main(capsys, "show", prefix)
    assert status == 0 and "fc8/" in out and f"{len(truth(prefix))} variables" in out
    report, _ = recorded(build_vgg)
    mine = report.export(tmp_path / "model.json")
    status, out, _ = run_main(capsys, "match", str(mine), prefix, "-o", str(tmp_path / "m.json"))
    assert status == 1 and "+ global_step" in out  # only the checkpoint has a step
    assert json.loads((tmp_path / "m.json").read_text())["unexpected"] == ["global_step"]
    status, _, _ = run_main(capsys, "match", str(mine), prefix, "-o", str(tmp_path / "m.md"))
    assert status == 1 and "| `global_step` | unexpected |" in (tmp_path / "m.md").read_text()
    status, out, _ = run_main(capsys, "match", prefix, str(Path(prefix).parent))
    assert status == 0 and out.startswith("all matched")
    status, _, err = run_main(capsys, "match", str(mine), str(tmp_path / "gone"))
    assert status == 2 and err.count("\n") == 1 and "expected a TF checkpoint" in err


@pytest.fixture
def shell():
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "jupyter_scope")
    shell.run_cell("import tensorflow as tf\nfrom tf_slim.nets import vgg", store_history=True)
    yield shell
    InteractiveShell.clear_instance()


def test_magic_checkpoint_option(shell, vgg_files):
    prefix = vgg_files["prefix"]
    body = "images = tf.compat.v1.placeholder(tf.float32, [None, 224, 224, 3])\n"
    body += "vgg.vgg_a(images, num_classes=5, scope='new_vgg');"
    with capture_output() as captured:
        result = shell.run_cell(f"%%scopes --graph --checkpoint {prefix}\n{body}")
    assert result.success
    shown = [o.data["text/plain"] for o in captured.outputs]
    assert len(shown) == 2  # the report, then the match
    assert shown[1].startswith(f"not all matched against {prefix}")
    assert "renamed vgg_a/ → new_vgg/" in shown[1]
    with capture_output():
        result = shell.run_cell(f"%%scopes --checkpoint {prefix}.gone\nran = True")
    assert "--checkpoint" in str(result.error_in_exec) and "ran" not in shell.user_ns


def test_a_match_tree_keeps_the_optimizer_split(tf, v1, tmp_path):
    """The match's tree is built from the report's variables as they are: an Adam slot
    stays the optimizer's there, as TF's `get_slot` says."""
    with tf.Graph().as_default() as graph, jupyter_scope.record() as rec:
        x = v1.placeholder(tf.float32, [None, 3])
        w = v1.get_variable("dense/w", [3, 2])
        optimizer = v1.train.AdamOptimizer()
        optimizer.minimize(tf.reduce_sum(x @ w))
        with v1.Session(graph=graph) as session:
            session.run(v1.global_variables_initializer())
            prefix = v1.train.Saver().save(session, str(tmp_path / "m.ckpt"))
    report = rec.report
    tree = report.match(jupyter_scope.load(prefix)).tree
    slots = {optimizer.get_slot(w, n).op.name for n in optimizer.get_slot_names()}
    in_tree = {v["name"] for v in tree.variables if v.get("optimizer")}
    assert slots <= in_tree
    split = ("params_trainable", "params_non_trainable", "params_optimizer")
    assert [tree.summary()[k] for k in split] == [report.summary()[k] for k in split]
