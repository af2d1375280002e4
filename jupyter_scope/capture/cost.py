"""What an op computes and holds, as TF itself reports it: its outputs' shapes and dtypes,
and its FLOPs from TF's registered statistics (the registry tfprof reads). Read once per
op, on exit: the statistic is asked only of op types that have one, since building an
op's NodeDef is its most expensive part.

An eager op has no graph for the statistic to read shapes from. The statistics read a
graph only for a tensor's shape by name; an eager op's are answered with the shapes its
inputs and outputs had when it ran, with a NodeDef of its type and attributes, once per
distinct (type, shapes, attributes): an eager loop runs the same few over and over."""

from __future__ import annotations

from typing import Any

from jupyter_scope.capture.tf_api import TF

Output = dict[str, Any]  # {"shape": [int | None, ...] | None, "dtype": str}


def output(tensor: Any) -> Output:
    """A tensor's static shape (`None` for an unknown rank or dimension) and dtype."""
    shape = tensor.shape
    dims = shape.as_list() if shape.rank is not None else None
    return {"shape": dims, "dtype": tensor.dtype.name}


class Flops:
    """An op's FLOPs by TF's registered `flops` statistic; `None` where its type has no
    statistic or its shapes are not all known (TF raises then, as tfprof counts it)."""

    def __init__(self, ops_module: Any) -> None:
        self._stats = ops_module.get_stats_for_node_def
        self.types = counted_types(ops_module)

    def __call__(self, graph: Any, op: Any, kind: str) -> int | None:
        if kind not in self.types:
            return None
        try:
            value = self._stats(graph, op.node_def, "flops").value
        except ValueError:  # a shape it needs is not fully defined
            return None
        return None if value is None else int(value)


def counted_types(ops_module: Any) -> frozenset[str]:
    """The op types TF has a `flops` statistic for. The registry is filled by importing
    tfprof's flops_registry (`tf_api.load`)."""
    registered = ops_module._stats_registry.list()
    return frozenset(key.split(",")[0] for key in registered if key.endswith(",flops"))


# What the recorder keeps of an eager op of a counted type, to ask its FLOPs on exit:
# (type, its inputs' outputs, its own outputs, TF's attributes as alternating names and values)
EagerCall = tuple[str, list[Output], list[Output], tuple[Any, ...]]


class EagerFlops:
    """Eager ops' FLOPs by the same statistics, from the shapes recorded as they ran."""

    def __init__(self, tf: TF) -> None:
        self._tf = tf
        self._known: dict[str, int | None] = {}  # (type, shapes, attributes) → FLOPs

    def __call__(self, call: EagerCall) -> int | None:
        key = repr(call)
        if key not in self._known:
            self._known[key] = self._count(*call)
        return self._known[key]

    def _count(
        self, kind: str, inputs: list[Output], outputs: list[Output], attrs: tuple[Any, ...]
    ) -> int | None:
        tf = self._tf
        names = [f"in{i}" for i in range(len(inputs))]
        shapes = {f"{name}:0": out["shape"] for name, out in zip(names, inputs, strict=True)}
        if outputs:
            shapes["op:0"] = outputs[0]["shape"]
        node = tf.node_def_pb2.NodeDef(name="op", op=kind, input=names)
        op_def = tf.op_def_registry.get(kind)
        types = {attr.name: attr.type for attr in op_def.attr} if op_def is not None else {}
        try:
            for name, value in zip(attrs[::2], attrs[1::2], strict=True):
                if name in types and value is not None:  # None: TF's default, below
                    node.attr[name].CopyFrom(
                        tf.op_def_library.value_to_attr_value(value, types[name], name)
                    )
            for attr in op_def.attr if op_def is not None else ():
                if attr.name not in node.attr and attr.HasField("default_value"):
                    node.attr[attr.name].CopyFrom(attr.default_value)  # as a graph op has it
            graph = _Shapes({k: tf.tf.TensorShape(v) for k, v in shapes.items()})
            value = tf.ops.get_stats_for_node_def(graph, node, "flops").value
        # a shape it needs unknown, an attribute TF refuses, an input it reads not there
        except (ValueError, TypeError, KeyError, IndexError):
            return None
        return None if value is None else int(value)


class _Shapes:
    """What TF's FLOPs statistics read of a graph, and all they read (through
    `graph_util.tensor_shape_from_node_def_name`): a tensor's shape by its name. A
    `tf.Graph` of placeholders would answer the same at ~1 ms a distinct op."""

    def __init__(self, shapes: dict[str, Any]) -> None:
        self._shapes = shapes

    def get_tensor_by_name(self, name: str) -> _Shapes._Tensor:
        return _Shapes._Tensor(self._shapes[name])  # KeyError, as a graph's, if none

    class _Tensor:
        def __init__(self, shape: Any) -> None:
            self._shape = shape

        def get_shape(self) -> Any:
            return self._shape
