"""The fields of a report's nodes, typed: what `ScopeReport.variables`, `ops` and `scopes`
give and the JSON document's node-link data holds. They mirror the front end's
`labextension/src/tree/types.ts`, the JSON Schema (`document/schema.json`) and
`docs/report.md`; `tests/test_fields.py` holds the four to the same fields."""

from __future__ import annotations

from typing import Any, Literal, TypedDict


class Site(TypedDict, total=False):
    file: str
    line: int | None
    kind: Literal["create", "reuse"]
    callers: list[dict[str, Any]]  # {"file", "line"} of the user's frames that led there


class Output(TypedDict):
    shape: list[int | None] | None  # None: unknown rank
    dtype: str


class _Scope(TypedDict):
    id: str
    kind: Literal["scope"]
    name: str
    variable_scope: bool
    name_scope: bool
    n_variables: int
    n_ops: int
    params: int
    bytes: int
    devices: dict[str, int]


class ScopeNode(_Scope, total=False):
    links: list[str]
    # since 1.3: `params` and `bytes` split by whose they are, adding up to them
    params_trainable: int
    params_non_trainable: int
    params_optimizer: int
    bytes_trainable: int
    bytes_non_trainable: int
    bytes_optimizer: int
    # since 1.4: static cost (SPEC "Cost"), of what ran: TF's registered FLOPs of its ops
    # (None where none is known) and the bytes of their outputs
    flops: int | None
    activation_bytes: int
    # since 1.5: the static memory estimate (weights, gradients of trainable variables,
    # optimizer slots, activations); in a profiled report, measured time and memory of
    # what ran (None where none was measured) and its time per device
    memory_bytes: int
    micros: float | None
    peak_bytes: int | None
    device_micros: dict[str, float]


class _Variable(TypedDict):
    id: str
    kind: Literal["variable"]
    name: str
    shape: list[int | None] | None
    dtype: str
    trainable: bool | None  # None: read from a file that does not say
    created: bool | None
    reuse_count: int | None
    api: str
    initializer: str | None
    device_requested: str | None
    device: str | None
    params: int
    bytes: int
    sites: list[Site]
    scope: str
    graph: str


class VariableNode(_Variable, total=False):
    partition_of: str
    components: list[str]  # node ids of a distributed variable's per-replica parts
    component_of: str  # node id of the distributed variable this is a part of
    tf_name: str  # TF's own name, where `name` is a Keras path
    slot_of: str  # node id of the variable this optimizer slot serves
    slot: str
    optimizer: bool  # since 1.3: an optimizer's (slot, step counter, beta powers)
    match: dict[str, Any]  # in a match's tree: its state against the checkpoint


class _Op(TypedDict):
    id: str
    kind: Literal["op"]
    name: str
    type: str
    scope: str
    device_requested: str | None
    device: str | None
    graph: str


class OpNode(_Op, total=False):
    tf_name: str  # TF's own name in its function graph, where `name` nests it
    colocated: bool  # placed off its request, where a resource it reads lives
    ran: bool  # since 1.3: False for an op of a trace TF never ran
    # since 1.4, where recorded (not read from a file): each output as TF reports it, and
    # the FLOPs of TF's registered statistic (None where the statistic or a shape is unknown)
    outputs: list[Output]
    flops: int | None
    # since 1.5, where measured (record(profile=True)): run time in µs over every traced
    # run, and peak bytes where the trace has memory
    micros: float
    peak_bytes: int | None


NODES: dict[str, type] = {"scope": ScopeNode, "variable": VariableNode, "op": OpNode}
