"""Hostile TensorFlow files: damaged checkpoint indexes (made here with TF's writer, then
rewritten with entries TF's writer never makes), GraphDefs, event files, SavedModels.
Each is refused in one line naming the file; none reaches TF's C++ checks, which abort
the process (in a notebook, the kernel)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import tf_tables
from IPython.core.error import UsageError
from tensorflow.core.framework import graph_pb2, types_pb2

import jupyter_scope
from jupyter_scope import ReportFormatError, cli

tf = pytest.importorskip("tensorflow")

VALUE = b"v/.ATTRIBUTES/VARIABLE_VALUE"
GRAPH_KEY = b"_CHECKPOINTABLE_OBJECT_GRAPH"


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    """An object-based checkpoint of one variable, as TF writes it."""
    root = tmp_path_factory.mktemp("good")
    return Path(tf.train.Checkpoint(v=tf.Variable(tf.zeros([3, 4]))).write(str(root / "ck")))


def damaged(good: Path, where: Path, change: Callable, key: bytes = VALUE) -> Path:
    """A copy of `good` whose index entry `key` went through `change` (which may return
    a new key for it), rewritten as a TF table."""
    shutil.copytree(good.parent, where)
    rows = []
    for name, value in tf_tables.rows_of(good):
        if name == key:
            entry = tf_tables.entry(value)
            name = change(entry) or name
            value = entry.SerializeToString()
        rows.append((name, value))
    prefix = where / good.name
    tf_tables.rewrite(prefix, rows)
    return prefix


def dims(*sizes: int) -> Callable:
    def change(entry):
        del entry.shape.dim[:]
        for size in sizes:
            entry.shape.dim.add(size=size)

    return change


def field(name: str, value: int) -> Callable:
    return lambda entry: setattr(entry, name, value)


DAMAGE = {
    "negative dimension": (dims(3, -5), "negative dimension"),
    "rank 254 of 2^62": (dims(*[2**62] * 254), "more than 2^63 elements"),
    "rank 10^5": (dims(*[1] * 100_000), "rank 100000"),
    "overflowing product": (dims(2**40, 2**40), "more than 2^63 elements"),
    "dtype 999": (field("dtype", 999), "dtype 999"),
    "DT_INVALID": (field("dtype", 0), "dtype 0"),
    "a reference dtype": (field("dtype", types_pb2.DT_FLOAT_REF), "not a TF dtype"),
    "past its data file": (field("offset", 10**6), "past the end of its data file"),
    "in a shard that is not": (field("shard_id", 3), "shard 3 of 1"),
    "a key not UTF-8": (lambda entry: b"v/\xff\xfe", "not UTF-8"),
}


def test_tf_itself_aborts_on_a_negative_dimension(good, tmp_path):
    """The truth behind the checks: TF's reader kills the process, which `load` must not."""
    prefix = damaged(good, tmp_path / "ck", dims(3, -5))
    code = (
        "import sys, tensorflow as tf; "
        "tf.train.load_checkpoint(sys.argv[1]).get_variable_to_shape_map()"
    )
    run = subprocess.run([sys.executable, "-c", code, str(prefix)], capture_output=True)
    assert run.returncode == -signal.SIGABRT


def test_a_rewritten_index_still_reads(good, tmp_path):
    """The test's table writer makes tables TF reads: unchanged entries load as TF's own."""
    prefix = damaged(good, tmp_path / "ck", lambda entry: None)
    assert [(v["name"], v["shape"]) for v in jupyter_scope.load(prefix).variables] == [
        ("v", [3, 4])
    ]


def refused(path: Path, says: str, capsys, tmp_path) -> None:
    """One line naming the file and the problem: `load`, and every CLI command, exit 2."""
    with pytest.raises(ReportFormatError) as caught:
        jupyter_scope.load(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message and says in message, message
    out = tmp_path / "out.json"
    for command in (["show", path], ["match", path, path], ["convert", path, "-o", out]):
        assert cli.main([str(arg) for arg in command]) == cli.USER_ERROR
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and says in err, err
    assert not out.exists()


@pytest.mark.parametrize("case", DAMAGE, ids=list(DAMAGE))
def test_damaged_index_entry_is_refused(case, good, tmp_path, capsys):
    change, says = DAMAGE[case]
    refused(damaged(good, tmp_path / "ck", change), says, capsys, tmp_path)


def test_object_graph_that_is_not_a_string_tensor(good, tmp_path, capsys):
    prefix = damaged(good, tmp_path / "ck", field("dtype", types_pb2.DT_FLOAT), key=GRAPH_KEY)
    refused(prefix, "object graph", capsys, tmp_path)


def test_broken_tables(good, tmp_path, capsys):
    footer_only = tmp_path / "footer"
    footer_only.with_suffix(".index").write_bytes(tf_tables.table([])[-48:])
    refused(footer_only, "not a readable TF checkpoint", capsys, tmp_path)
    empty = tmp_path / "empty"
    empty.with_suffix(".index").write_bytes(tf_tables.table([]))
    refused(empty, "no header entry", capsys, tmp_path)
    no_data = damaged(good, tmp_path / "nodata", lambda entry: None)
    next(no_data.parent.glob("*.data-*")).unlink()
    refused(no_data, "data file", capsys, tmp_path)


def test_garbage_checkpoint_file(good, tmp_path, capsys):
    (tmp_path / "checkpoint").write_bytes(b'model_checkpoint_path: "x\n\xff{{{')
    refused(tmp_path, "checkpoint", capsys, tmp_path)


def graph_def(*nodes: tuple[str, int, list[int]]) -> bytes:
    graph = graph_pb2.GraphDef()
    for name, dtype, shape in nodes:
        node = graph.node.add(name=name, op="VariableV2")
        node.attr["dtype"].type = dtype
        for size in shape:
            node.attr["shape"].shape.dim.add(size=size)
    return graph.SerializeToString()


@pytest.mark.parametrize(
    ("dtype", "shape", "says"),
    [
        (0, [2], "dtype 0"),
        (999, [2], "dtype 999"),
        (types_pb2.DT_FLOAT, [2**62, 2**62], "more than 2^63 elements"),
        (types_pb2.DT_FLOAT, [-7], "negative dimension"),
    ],
)
def test_hostile_graph_def(dtype, shape, says, tmp_path, capsys):
    path = tmp_path / "g.pb"
    path.write_bytes(graph_def(("w", dtype, shape)))
    refused(path, says, capsys, tmp_path)


def test_event_files(tmp_path, capsys):
    garbage = tmp_path / "events.out.tfevents.garbage"
    garbage.write_bytes(os.urandom(64))
    refused(garbage, "event file", capsys, tmp_path)
    dangling = tmp_path / "events.out.tfevents.dangling"
    dangling.symlink_to(tmp_path / "gone")
    refused(dangling, "no such file", capsys, tmp_path)


def test_saved_model_without_its_graph(tmp_path, capsys):
    (tmp_path / "model").mkdir()
    refused(tmp_path / "model" / "saved_model.pb", "no such file", capsys, tmp_path)


def test_a_name_5000_scopes_deep(tmp_path, capsys):
    path = tmp_path / "deep.pb"
    path.write_bytes(graph_def(("/".join(["s"] * 5000), types_pb2.DT_FLOAT, [2])))
    refused(path, "deep", capsys, tmp_path)


@pytest.fixture(scope="module")
def sources(tmp_path_factory, good) -> dict[str, Path]:
    """One small TF1 model as every source `load` reads: a name-based checkpoint, its
    GraphDef, its event file; the object-based `good` and a JSON report besides."""
    root = tmp_path_factory.mktemp("sources")
    v1 = tf.compat.v1
    graph = tf.Graph()
    with graph.as_default():
        v1.get_variable("net/w", [3, 4])
        with v1.Session() as session:
            session.run(v1.global_variables_initializer())
            prefix = v1.train.Saver().save(session, str(root / "ckpt" / "m"))
        tf.io.write_graph(graph, str(root), "graph.pb", as_text=False)
        v1.summary.FileWriter(str(root / "events"), graph=graph).close()
    events = next((root / "events").glob("events.out.tfevents.*"))
    report = root / "r.json"
    jupyter_scope.load(prefix).export(report)
    return {
        "name-based": Path(prefix),
        "graph": root / "graph.pb",
        "events": events,
        "object-based": good,
        "json": report,
    }


def test_match_works_on_every_source(sources, capsys):
    """Exit 0 when all match, 1 when not; never an error for a source `load` reads."""
    for a, path_a in sources.items():
        for b, path_b in sources.items():
            status = cli.main(["match", str(path_a), str(path_b)])
            err = capsys.readouterr().err
            assert status in (0, 1) and not err, (a, b, err)
            assert status == 0 or a != b, (a, b)
    assert cli.main(["match", str(sources["graph"]), str(sources["name-based"])]) == 0


@pytest.fixture
def notebook_shell(shell):
    shell.user_ns.pop("ran", None)
    return shell


@pytest.mark.parametrize("option", ["--export /proc/r.json", "--checkpoint {bad}"])
def test_magic_refuses_a_bad_path_before_the_cell_runs(option, notebook_shell, good, tmp_path):
    bad = damaged(good, tmp_path / "ck", dims(3, -5))
    result = notebook_shell.run_cell(f"%%scopes {option.format(bad=bad)}\nran = True")
    assert isinstance(result.error_in_exec, UsageError)
    assert "\n" not in str(result.error_in_exec)
    assert "ran" not in notebook_shell.user_ns
