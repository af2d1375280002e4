"""TensorFlow's files as the plain records a recording gives (`records.py`). Imports TF.

Each reader takes what `sources.identify` found and returns a `Capture`. Nothing here
runs code from the file: checkpoints are read through their index, graphs as protos.
Variables read from a file carry `created`, `reuse_count` and `trainable` as `None`:
a file does not say.
"""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tensorflow as tf
from google.protobuf import message, text_format
from tensorflow.core.framework import graph_pb2
from tensorflow.core.protobuf import meta_graph_pb2, saved_model_pb2, trackable_object_graph_pb2

from jupyter_scope.document.codec import first_line
from jupyter_scope.load import checkpoint_index
from jupyter_scope.load.loader import read_regular, refuse
from jupyter_scope.load.tf_limits import Refused, check_dtype, check_shape
from jupyter_scope.records import Capture, OpRecord, VariableRecord

GRAPH = "g0"
OBJECT_GRAPH = "_CHECKPOINTABLE_OBJECT_GRAPH"  # the key of an object-based checkpoint's graph
VALUE_SUFFIX = "/.ATTRIBUTES/VARIABLE_VALUE"  # an object's variable value: its path + this
MAX_FILE_BYTES = 1 << 31  # a protobuf holds at most 2 GB
VARIABLE_OPS = frozenset({"VariableV2", "Variable", "VarHandleOp"})


def new_capture() -> Capture:
    return Capture(
        meta={
            "tf_version": tf.__version__,
            "mode": "graph",
            "devices": [],
            "wall_time": 0.0,
            "cell": None,
            "graphs": [{"key": GRAPH, "kind": "graph", "name": None}],
            "source": {},  # filled by the reader, then by `sources.load`
        }
    )


def add_variable(
    capture: Capture,
    name: str,
    shape: list[int | None] | None,
    dtype: str,
    api: str,
    tf_name: str | None = None,
    handle_op: str | None = None,
) -> None:
    capture.variables[name] = VariableRecord(
        key=name,
        name=name,
        graph=GRAPH,
        shape=shape,
        dtype=dtype,
        trainable=None,
        api=api,
        created=None,
        reuse_count=None,
        tf_name=tf_name if tf_name != name else None,
        handle_op=handle_op,
    )


def regular_file(path: Path) -> None:
    """Refuse, before TF opens it, what is not a regular file: TF would wait on a FIFO."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise refuse(path, "no such file") from None
    except OSError as exc:
        raise refuse(path, f"cannot read it: {exc.strerror or exc}") from None
    if not stat.S_ISREG(mode):
        raise refuse(path, "not a regular file")


# -- checkpoints ---------------------------------------------------------------------------


def checkpoint_reader(prefix: Path) -> Any:
    """TF's reader, once its index is checked: TF aborts the process on some damage."""
    index = read_regular(Path(f"{prefix}.index"), MAX_FILE_BYTES)
    try:
        checkpoint_index.entries(prefix, index)
    except Refused as exc:
        raise refuse(prefix, f"not a readable TF checkpoint ({exc})") from None
    try:
        return tf.train.load_checkpoint(str(prefix))
    except (tf.errors.OpError, ValueError) as exc:
        raise refuse(prefix, f"not a readable TF checkpoint ({first_line(exc)})") from None


def add_checkpoint_variables(capture: Capture, prefix: Path) -> None:
    """Names, shapes and dtypes from the checkpoint's index; values stay on disk. An
    object-based checkpoint (TF2) names each variable by its object path, as
    `Checkpoint.restore` matches it; its TF name (`full_name`) is kept as `tf_name`."""
    reader = checkpoint_reader(prefix)
    shapes = reader.get_variable_to_shape_map()
    dtypes = reader.get_variable_to_dtype_map()
    source = capture.meta["source"]
    source["prefix"] = str(prefix)
    if OBJECT_GRAPH not in shapes:
        source["format"] = "name-based"
        for key in sorted(shapes):
            add_variable(capture, key, list(shapes[key]), dtypes[key].name, "checkpoint")
        return
    source["format"] = "object-based"
    if dtypes[OBJECT_GRAPH] != tf.string or shapes[OBJECT_GRAPH]:
        raise refuse(prefix, "its object graph is not a string scalar, as TF writes it")
    graph = trackable_object_graph_pb2.TrackableObjectGraph()
    try:
        graph.ParseFromString(reader.get_tensor(OBJECT_GRAPH))
    except (tf.errors.OpError, message.DecodeError) as exc:
        raise refuse(prefix, f"its object graph is unreadable ({first_line(exc)})") from None
    attributes = [a for node in graph.nodes for a in node.attributes]
    for attr in sorted(attributes, key=lambda a: a.checkpoint_key):
        key = attr.checkpoint_key
        if key.endswith(VALUE_SUFFIX) and key in shapes:
            name = key.removesuffix(VALUE_SUFFIX)
            shape, dtype = list(shapes[key]), dtypes[key].name
            add_variable(capture, name, shape, dtype, "checkpoint", tf_name=attr.full_name or None)


def read_checkpoint(target: Path) -> Capture:
    """A prefix, or a directory whose `checkpoint` file names the newest prefix."""
    prefix = target
    if target.is_dir():
        regular_file(target / "checkpoint")
        try:
            newest = tf.train.latest_checkpoint(str(target))
        except (tf.errors.OpError, ValueError, text_format.ParseError) as exc:
            raise refuse(
                target, f"its 'checkpoint' file is unreadable ({first_line(exc)})"
            ) from None
        if newest is None:
            raise refuse(target, "its 'checkpoint' file names no checkpoint that exists")
        prefix = Path(newest)
    capture = new_capture()
    add_checkpoint_variables(capture, prefix)
    return capture


def read_saved_model(directory: Path) -> Capture:
    """Its variables, by object path, from `variables/variables` and its object graph."""
    capture = new_capture()
    pb, pbtxt = directory / "saved_model.pb", directory / "saved_model.pbtxt"
    proto = saved_model_pb2.SavedModel()
    try:
        if pb.exists() or not pbtxt.exists():
            proto.ParseFromString(read_regular(pb, MAX_FILE_BYTES))
        else:
            text_format.Parse(read_regular(pbtxt, MAX_FILE_BYTES).decode("utf-8"), proto)
    except (message.DecodeError, text_format.ParseError, UnicodeDecodeError) as exc:
        raise refuse(directory, f"not a readable SavedModel ({first_line(exc)})") from None
    if not proto.meta_graphs:
        raise refuse(directory, "not a SavedModel: its saved_model.pb holds no MetaGraph")
    capture.meta["source"]["tags"] = sorted(
        {t for m in proto.meta_graphs for t in m.meta_info_def.tags}
    )
    prefix = directory / "variables" / "variables"
    if prefix.with_name("variables.index").is_file():  # a SavedModel may hold no variables
        add_checkpoint_variables(capture, prefix)
    return capture


# -- graphs --------------------------------------------------------------------------------


def shape_of(proto: Any) -> list[int | None] | None:
    if proto.unknown_rank:
        return None
    return [d.size if d.size >= 0 else None for d in proto.dim]


def producer(tensor: str) -> str:
    """The op that makes an input: `^w` (a control input) and `w:1` both name `w`."""
    return tensor.lstrip("^").split(":", 1)[0]


def graph_capture(path: Path, graph_def: Any) -> Capture:
    """Every node as an op (name, type, requested device, inputs); variable ops also as
    variables with their shape and dtype. Scopes come from the names."""
    capture = new_capture()
    variables = {n.name for n in graph_def.node if n.op in VARIABLE_OPS}
    for node in graph_def.node:
        inputs = [producer(i) for i in node.input]
        if node.op in VARIABLE_OPS:
            shape_proto, dtype_enum = node.attr["shape"].shape, node.attr["dtype"].type
            try:
                check_dtype(dtype_enum, f"variable {node.name!r}")
                check_shape(
                    (d.size for d in shape_proto.dim), f"variable {node.name!r}", unknown=True
                )
            except Refused as exc:
                raise refuse(path, f"not a readable GraphDef ({exc})") from None
            dtype = tf.dtypes.as_dtype(dtype_enum).name
            shape = shape_of(shape_proto)
            add_variable(capture, node.name, shape, dtype, "graph_def", handle_op=node.name)
        capture.ops.append(
            OpRecord(
                name=node.name,
                type=node.op,
                graph=GRAPH,
                device_requested=node.device or None,
                inputs=inputs,
                reads=[i for i in dict.fromkeys(inputs) if i in variables],
            )
        )
    return capture


def parse_graph_def(path: Path, data: bytes, form: str) -> Any:
    """A GraphDef from binary (`.pb`), text (`.pbtxt`) or a MetaGraph (`.meta`)."""
    graph_def = graph_pb2.GraphDef()
    try:
        if form == ".meta":
            meta_graph = meta_graph_pb2.MetaGraphDef()
            meta_graph.ParseFromString(data)
            graph_def = meta_graph.graph_def
        elif form == ".pbtxt":
            text_format.Parse(data.decode("utf-8"), graph_def)
        else:
            graph_def.ParseFromString(data)
    except (message.DecodeError, text_format.ParseError, UnicodeDecodeError) as exc:
        raise refuse(path, f"not a readable GraphDef ({first_line(exc)})") from None
    # Foreign bytes can parse as a protobuf of unknown fields: a graph has named, typed nodes.
    if (data and not graph_def.node) or any(not n.name or not n.op for n in graph_def.node):
        raise refuse(path, "not a GraphDef (no named, typed nodes)")
    return graph_def


def read_graph_def(path: Path) -> Capture:
    data = read_regular(path, MAX_FILE_BYTES)
    return graph_capture(path, parse_graph_def(path, data, path.suffix.lower()))


def read_event_file(path: Path) -> Capture:
    """The last graph the event file holds (`tf.summary.graph`, `FileWriter(graph=...)`)."""
    regular_file(path)
    serialized = None
    try:
        for event in tf.compat.v1.train.summary_iterator(str(path)):
            if event.graph_def:
                serialized = event.graph_def
    except tf.errors.OpError as exc:
        raise refuse(path, f"not a readable event file ({first_line(exc)})") from None
    if serialized is None:
        raise refuse(path, "an event file without a graph (write one with tf.summary.graph)")
    return graph_capture(path, parse_graph_def(path, serialized, ".pb"))


READERS: dict[str, Callable[[Path], Capture]] = {
    "checkpoint": read_checkpoint,
    "saved-model": read_saved_model,
    "graph-def": read_graph_def,
    "event-file": read_event_file,
}
