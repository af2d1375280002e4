"""Events → the networkx graph of SPEC.md's schema → a ScopeReport.

Scopes are the path prefixes of every name. A scope is a variable scope when one was
opened under that name or `get_variable` named a variable in it; a name scope when one
was opened or TF named an op or a `tf.Variable` under it (both take names from the
name scope in force). Totals include descendants.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Any, cast

import networkx as nx

from jupyter_scope.report.diagnostics import diagnose
from jupyter_scope.report.model import ScopeReport
from jupyter_scope.report.records import Capture, OpRecord, VariableRecord

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


def scope_id(path: str) -> str:
    return f"scope:{path}"


def variable_id(key: str) -> str:
    return f"var:{key}"


def op_id(graph: str, name: str) -> str:
    return f"op:{graph}:{name}"


def parent_path(name: str) -> str:
    return name.rsplit("/", 1)[0] if "/" in name else ""


def _size(shape: list[int | None] | None, dtype: str) -> tuple[int, int]:
    if shape is None or any(d is None for d in shape):
        return 0, 0
    params = math.prod(cast(list[int], shape))
    return params, params * _DTYPE_BYTES.get(dtype, 0)


class _Scopes:
    """The scope nodes, made on first mention with all their ancestors."""

    def __init__(self, graph: nx.DiGraph) -> None:
        self.graph = graph
        self.variable_scopes: set[str] = set()
        self.name_scopes: set[str] = set()
        self.links: defaultdict[str, set[str]] = defaultdict(set)
        self.add("")

    def add(self, path: str) -> str:
        node = scope_id(path)
        if node not in self.graph:
            self.graph.add_node(node, kind="scope", name=path)
            if path:
                self.graph.add_edge(scope_id(self.add(parent_path(path))), node, kind="contains")
        return path

    def finish(self) -> None:
        for path in self.variable_scopes | self.name_scopes:
            self.add(path)
        for _, data in self.graph.nodes(data=True):
            if data["kind"] == "scope":
                path = data["name"]
                data["variable_scope"] = path in self.variable_scopes
                data["name_scope"] = path in self.name_scopes
                data["links"] = sorted(self.links.get(path, ()))


def _variable_attrs(record: VariableRecord) -> dict[str, Any]:
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
        attrs["components"] = [variable_id(k) for k in record.components]
    if record.component_of:
        attrs["component_of"] = variable_id(record.component_of)
    if record.tf_name:
        attrs["tf_name"] = record.tf_name
    if record.slot_of:
        attrs["slot_of"] = variable_id(record.slot_of)
    if record.slot:
        attrs["slot"] = record.slot
    if record.match:
        attrs["match"] = record.match
    return attrs


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
    return attrs


def _op_node(op: OpRecord) -> str:
    """Ids use TF's own name, unique in its graph, which `inputs` refer to."""
    return op_id(op.graph, op.tf_name or op.name)


def build_graph(capture: Capture) -> nx.DiGraph:
    graph = nx.DiGraph()
    scopes = _Scopes(graph)
    for entered in capture.scopes:
        if entered.variable_scope is not None:
            scopes.variable_scopes.add(entered.variable_scope)
        if entered.name_scope:
            scopes.name_scopes.add(entered.name_scope)
            if entered.variable_scope is not None and entered.name_scope != entered.variable_scope:
                # A re-entered variable scope names its ops `outer_1/` but its variables `outer/`.
                scopes.links[entered.variable_scope].add(entered.name_scope)
                scopes.links[entered.name_scope].add(entered.variable_scope)
    for record in capture.variables.values():
        node = variable_id(record.key)
        graph.add_node(node, **_variable_attrs(record))
        scope = scopes.add(parent_path(record.name))
        graph.add_edge(scope_id(scope), node, kind="contains")
        if record.api == "get_variable" and not record.partition_of:
            scopes.variable_scopes.add(scope)
        elif record.api != "get_variable":
            scopes.name_scopes.add(scope)
    variable_names = {record.name for record in capture.variables.values()}
    for op in capture.ops:
        node = _op_node(op)
        graph.add_node(node, **_op_attrs(op))
        scope = scopes.add(parent_path(op.name))
        graph.add_edge(scope_id(scope), node, kind="contains")
        if scope and not _belongs_to_variable(op.name, variable_names):
            scopes.name_scopes.add(scope)
    for op in capture.ops:
        target = _op_node(op)
        for producer in op.inputs:
            source = op_id(op.graph, producer)
            if source in graph:
                graph.add_edge(source, target, kind="input")
        for key in op.reads:
            graph.add_edge(variable_id(key), target, kind="reads")
    scopes.finish()
    _add_totals(graph)
    return graph


def _belongs_to_variable(op_name: str, variable_names: set[str]) -> bool:
    """A variable's own ops (`w`, `w/Initializer/...`) take its name, not a name scope's."""
    path = op_name
    while path:
        if path in variable_names:
            return True
        path = parent_path(path)
    return False


def _add_totals(graph: nx.DiGraph) -> None:
    """Per scope: variables, ops, params, bytes and devices, descendants included."""
    totals: dict[str, dict[str, Any]] = {
        node: {"n_variables": 0, "n_ops": 0, "params": 0, "bytes": 0, "devices": Counter()}
        for node, data in graph.nodes(data=True)
        if data["kind"] == "scope"
    }
    parent = {v: u for u, v, kind in graph.edges(data="kind") if kind == "contains"}
    for node, data in graph.nodes(data=True):
        kind = data["kind"]
        if kind == "scope" or data.get("component_of"):
            continue  # a per-replica part is counted once, in its logical variable
        # Where TF placed it; "" until TF has (a request is not a placement).
        device = data.get("device") or ""
        scope = parent.get(node)
        while scope is not None:
            total = totals[scope]
            if kind == "variable":
                total["n_variables"] += 1
                total["params"] += data["params"]
                total["bytes"] += data["bytes"]
            else:
                total["n_ops"] += 1
            total["devices"][device] += 1
            scope = parent.get(scope)
    for node, total in totals.items():
        total["devices"] = dict(total["devices"])
        graph.nodes[node].update(total)


def build_report(capture: Capture) -> ScopeReport:
    graph = build_graph(capture)
    return ScopeReport(graph, capture.meta, diagnose(capture, graph))
