"""Records → the networkx graph of the report's schema (docs/report.md; the product
contract is SPEC.md in the project's shared folder).

Scopes are the path prefixes of every name. A scope is a variable scope when one was
opened under that name or `get_variable` named a variable in it; a name scope when one
was opened or TF named an op or a `tf.Variable` under it (both take names from the
name scope in force). Totals include descendants, and count only what ran: the ops of
traces TF never ran sit under `NEVER_RAN`, whose totals no other scope's include.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any, cast

import networkx as nx

from jupyter_scope.model.digraph import digraph
from jupyter_scope.model.roles import ROLES, role
from jupyter_scope.records import (
    NEVER_RAN,
    Capture,
    OpRecord,
    VariableRecord,
    parent_path,
)

_DTYPE_BYTES = {
    "bool": 1,
    "int8": 1,
    "uint8": 1,
    "qint8": 1,
    "quint8": 1,
    "float8_e4m3fn": 1,
    "float8_e5m2": 1,
    "int16": 2,
    "uint16": 2,
    "float16": 2,
    "bfloat16": 2,
    "qint16": 2,
    "int32": 4,
    "uint32": 4,
    "float32": 4,
    "qint32": 4,
    "int64": 8,
    "uint64": 8,
    "float64": 8,
    "complex64": 8,
    "complex128": 16,
}


# A node's id is its place among the report's nodes of its kind, not its name (which the
# node carries): ids are repeated in every edge and reference, and names run to 100
# characters. Scopes are numbered parents first, so the root scope is `scope:0`.


def scope_id(index: int) -> str:
    return f"scope:{index}"


def variable_id(index: int) -> str:
    return f"var:{index}"


def op_id(index: int) -> str:
    return f"op:{index}"


def _size(shape: list[int | None] | None, dtype: str) -> tuple[int, int]:
    if shape is None or any(d is None for d in shape):
        return 0, 0
    params = math.prod(cast(list[int], shape))
    return params, params * _DTYPE_BYTES.get(dtype, 0)


def _activation_bytes(outputs: list[dict[str, Any]] | None) -> int:
    """The bytes of an op's outputs whose shapes are known (as a variable's `bytes`)."""
    return sum(_size(out["shape"], out["dtype"])[1] for out in outputs or ())


class _Scopes:
    """The scope paths, each made on first mention with all its ancestors."""

    def __init__(self) -> None:
        self.parents: dict[str, str | None] = {"": None}  # path → parent path, parents first
        self.ids = {"": scope_id(0)}  # path → node id, in the same order
        self.variable_scopes: set[str] = set()
        self.name_scopes: set[str] = set()
        self.links: defaultdict[str, set[str]] = defaultdict(set)

    def add(self, path: str) -> str:
        if path not in self.parents:
            parent = parent_path(path)
            self.add(parent)
            self.parents[path] = parent
            self.ids[path] = scope_id(len(self.ids))
        return path

    def nodes(
        self, totals: dict[str, _Total], profiled: bool
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every scope with its totals, descendants included, from each scope's own
        (`totals`); once every variable and op has been mentioned. Measured cost only
        where a profile was asked for: a report without one is as before."""
        for path in sorted(self.variable_scopes | self.name_scopes):
            self.add(path)
        # What never ran comes last, after everything that ran, in every display.
        for path in [p for p in self.parents if p.split("/", 1)[0] == NEVER_RAN]:
            self.parents[path] = self.parents.pop(path)
        _sum_up(totals, self.parents)
        for path in self.parents:
            total = totals.get(path) or _Total()
            attrs: dict[str, Any] = {
                "kind": "scope",
                "name": path,
                "variable_scope": path in self.variable_scopes,
                "name_scope": path in self.name_scopes,
                "links": sorted(self.links.get(path, ())),
                "n_variables": total.n_variables,
                "n_ops": total.n_ops,
                "params": total.params,
                "bytes": total.bytes,
                **total.split(),
                "flops": total.flops,
                "activation_bytes": total.activation_bytes,
                # the static memory estimate: weights, a gradient per trainable variable,
                # the optimizer's slots (in `bytes`) and activations
                "memory_bytes": total.bytes + total.roles["trainable"][1] + total.activation_bytes,
                "devices": dict(total.devices),
            }
            if profiled:
                attrs["micros"] = total.micros
                attrs["peak_bytes"] = total.peak_bytes
                attrs["device_micros"] = {d: round(m, 3) for d, m in total.device_micros.items()}
            yield self.ids[path], attrs

    def edges(self) -> Iterator[tuple[str, str, dict[str, str]]]:
        for path, parent in self.parents.items():
            if parent is not None:
                yield self.ids[parent], self.ids[path], {"kind": "contains"}


def _variable_attrs(record: VariableRecord, ids: dict[str, str]) -> dict[str, Any]:
    """The node of a variable; `ids` gives the node id of each variable key."""
    params, nbytes = _size(record.shape, record.dtype)
    attrs: dict[str, Any] = {
        "kind": "variable",
        "name": record.name,
        "shape": record.shape,
        "dtype": record.dtype,
        "trainable": record.trainable,
        "created": record.created,
        "reuse_count": record.reuse_count,
        "api": record.api,
        "initializer": record.initializer,
        "device_requested": record.device_requested,
        "device": record.device,
        "params": params,
        "bytes": nbytes,
        "sites": record.sites,
        "scope": parent_path(record.name),
        "graph": record.graph,
    }
    if record.partition_of:
        attrs["partition_of"] = record.partition_of
    if record.components:
        attrs["components"] = [ids[k] for k in record.components]
    if record.component_of:
        attrs["component_of"] = ids[record.component_of]
    if record.tf_name:
        attrs["tf_name"] = record.tf_name
    if record.slot_of in ids:  # not when left out of a match's tree (`match.match_tree`)
        attrs["slot_of"] = ids[record.slot_of]
    if record.slot:
        attrs["slot"] = record.slot
    if record.optimizer:
        attrs["optimizer"] = True
    if record.match:
        attrs["match"] = record.match
    return attrs


def variable_record(node: Mapping[str, Any], key: str) -> VariableRecord:
    """The record a variable's node was built from (`_variable_attrs`'s inverse), keyed
    `key`: how a report's variables become another report's (a match's tree). Node ids it
    refers to (`slot_of`, `components`) are not keys of the new report: left to the caller."""
    return VariableRecord(
        key=key,
        name=node["name"],
        graph=node["graph"],
        shape=node["shape"],
        dtype=node["dtype"],
        trainable=node["trainable"],
        api=node["api"],
        initializer=node["initializer"],
        device_requested=node["device_requested"],
        device=node["device"],
        created=node["created"],
        reuse_count=node["reuse_count"],
        sites=[dict(site) for site in node["sites"]],
        partition_of=node.get("partition_of"),
        tf_name=node.get("tf_name"),
        slot=node.get("slot"),
        optimizer=node.get("optimizer", False),
        match=node.get("match"),
    )


def _op_attrs(op: OpRecord) -> dict[str, Any]:
    attrs: dict[str, Any] = {
        "kind": "op",
        "name": op.name,
        "type": op.type,
        "scope": parent_path(op.name),
        "device_requested": op.device_requested,
        "device": op.device,
        "graph": op.graph,
    }
    if op.tf_name:
        attrs["tf_name"] = op.tf_name
    if op.colocated:
        attrs["colocated"] = True
    if not op.ran:
        attrs["ran"] = False
    if op.outputs is not None:  # recorded, not read from a file: the statistic was asked
        attrs["outputs"] = op.outputs
        attrs["flops"] = op.flops
    if op.micros is not None:  # measured: a profile was asked for and timed it
        attrs["micros"] = op.micros
        attrs["peak_bytes"] = op.peak_bytes
    return attrs


def build_graph(capture: Capture) -> nx.DiGraph:
    # Nodes and edges are gathered first, every total known, and the graph made at once.
    scopes = _Scopes()
    for entered in capture.scopes:
        if entered.variable_scope is not None:
            scopes.variable_scopes.add(entered.variable_scope)
        if entered.name_scope:
            scopes.name_scopes.add(entered.name_scope)
            if entered.variable_scope is not None and entered.name_scope != entered.variable_scope:
                # A re-entered variable scope names its ops `outer_1/` but its variables `outer/`.
                scopes.links[entered.variable_scope].add(entered.name_scope)
                scopes.links[entered.name_scope].add(entered.variable_scope)
    nodes: list[tuple[str, dict[str, Any]]] = []
    edges: list[tuple[str, str, dict[str, str]]] = []
    totals: defaultdict[str, _Total] = defaultdict(_Total)  # per scope, its own nodes only
    variable_ids = {key: variable_id(i) for i, key in enumerate(capture.variables)}
    for record in capture.variables.values():
        node = variable_ids[record.key]
        attrs = _variable_attrs(record, variable_ids)
        nodes.append((node, attrs))
        scope = scopes.add(attrs["scope"])
        edges.append((scopes.ids[scope], node, {"kind": "contains"}))
        if record.api == "get_variable" and not record.partition_of:
            scopes.variable_scopes.add(scope)
        elif record.api != "get_variable":
            scopes.name_scopes.add(scope)
        if not record.component_of:  # a per-replica part is counted once, in its variable
            totals[scope].count_variable(attrs)
    # A variable's own ops (`w`, `w/Initializer/...`) take its name, not a name scope's.
    variable_names = {record.name for record in capture.variables.values()}
    owned = _Owned(variable_names)
    op_ids = [op_id(i) for i in range(len(capture.ops))]
    # `inputs` name producers by TF's own name, unique in its graph: graph → name → id.
    ids: defaultdict[str, dict[str, str]] = defaultdict(dict)
    for op, node in zip(capture.ops, op_ids, strict=True):
        ids[op.graph][op.tf_name or op.name] = node
        attrs = _op_attrs(op)
        nodes.append((node, attrs))
        scope = scopes.add(attrs["scope"])
        edges.append((scopes.ids[scope], node, {"kind": "contains"}))
        if scope and op.name not in variable_names and not owned(scope):
            scopes.name_scopes.add(scope)
        totals[scope].count_op(op)
    for op, target in zip(capture.ops, op_ids, strict=True):
        in_graph = ids[op.graph]
        for producer in op.inputs:
            source = in_graph.get(producer)
            if source is not None:
                edges.append((source, target, {"kind": "input"}))
        for key in op.reads:
            edges.append((variable_ids[key], target, {"kind": "reads"}))
    return digraph(
        itertools.chain(scopes.nodes(totals, "profile" in capture.meta), nodes),
        itertools.chain(scopes.edges(), edges),
    )


class _Owned:
    """Whether a name is a variable's or lies under one; worked out once per path."""

    def __init__(self, names: set[str]) -> None:
        self.names = names
        self.known: dict[str, bool] = {"": False}

    def __call__(self, path: str) -> bool:
        owned = self.known.get(path)
        if owned is None:
            owned = self.known[path] = path in self.names or self(parent_path(path))
        return owned


class _Total:
    """Variables, ops, params, bytes (split by role), FLOPs, activation bytes, devices and
    measured time and memory of a scope."""

    __slots__ = (
        "activation_bytes",
        "bytes",
        "device_micros",
        "devices",
        "flops",
        "micros",
        "n_ops",
        "n_variables",
        "params",
        "peak_bytes",
        "roles",
    )

    def __init__(self) -> None:
        self.n_variables = self.n_ops = self.params = self.bytes = self.activation_bytes = 0
        self.flops: int | None = None  # None until an op's FLOPs are known: never 0 for unknown
        self.roles = dict.fromkeys(ROLES, (0, 0))  # role → (params, bytes)
        self.devices: dict[str, int] = {}  # where TF placed them; "" until TF has
        # Measured (a profile): None until an op's is known, as FLOPs
        self.micros: float | None = None
        self.peak_bytes: int | None = None
        self.device_micros: dict[str, float] = {}

    def count_variable(self, attrs: dict[str, Any]) -> None:
        self.n_variables += 1
        self.params += attrs["params"]
        self.bytes += attrs["bytes"]
        whose = role(attrs)
        params, nbytes = self.roles[whose]
        self.roles[whose] = (params + attrs["params"], nbytes + attrs["bytes"])
        self._place(attrs["device"])

    def split(self) -> dict[str, int]:
        """`params_trainable`, `bytes_trainable`, ... of the scope: they add up to its
        `params` and `bytes`."""
        out = {}
        for name, (params, nbytes) in self.roles.items():
            out[f"params_{name}"], out[f"bytes_{name}"] = params, nbytes
        return out

    def count_op(self, op: OpRecord) -> None:
        self.n_ops += 1
        self.activation_bytes += _activation_bytes(op.outputs)
        self._add_flops(op.flops)
        self._place(op.device)
        if op.micros is not None:
            self._add_measured(op.micros, op.peak_bytes, {op.device or "": op.micros})

    def _add_flops(self, flops: int | None) -> None:
        if flops is not None:
            self.flops = flops if self.flops is None else self.flops + flops

    def _add_measured(
        self, micros: float | None, peak_bytes: int | None, devices: dict[str, float]
    ) -> None:
        if micros is not None:
            self.micros = round((self.micros or 0) + micros, 3)
        if peak_bytes is not None:
            self.peak_bytes = (self.peak_bytes or 0) + peak_bytes
        for device, spent in devices.items():
            self.device_micros[device] = self.device_micros.get(device, 0) + spent

    def _place(self, device: str | None) -> None:
        device = device or ""  # a request is not a placement
        self.devices[device] = self.devices.get(device, 0) + 1

    def add(self, other: _Total) -> None:
        self.n_variables += other.n_variables
        self.n_ops += other.n_ops
        self.params += other.params
        self.bytes += other.bytes
        self.activation_bytes += other.activation_bytes
        self._add_flops(other.flops)
        self._add_measured(other.micros, other.peak_bytes, other.device_micros)
        for name, (params, nbytes) in other.roles.items():
            mine = self.roles[name]
            self.roles[name] = (mine[0] + params, mine[1] + nbytes)
        for device, n in other.devices.items():
            self.devices[device] = self.devices.get(device, 0) + n


def _sum_up(totals: dict[str, _Total], parents: dict[str, str | None]) -> None:
    """Each scope's own counts → counts with its descendants', children before parents."""
    for path in sorted(parents, key=lambda p: p.count("/") if p else -1, reverse=True):
        parent = parents[path]
        if parent is not None and path in totals and path != NEVER_RAN:
            totals.setdefault(parent, _Total()).add(totals[path])
