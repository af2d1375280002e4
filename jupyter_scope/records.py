"""Plain records of what a recording saw: what `capture` hands to `report`. No TF objects:
these outlive the block."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The scope that holds the ops of function traces TF made but never ran (shape inference,
# a trace a retrace replaced, a concrete function never called): no TF name can hold
# parentheses or spaces, so it cannot clash with a scope of the model's.
NEVER_RAN = "(traces that never ran)"


def parent_path(name: str) -> str:
    """The scope a name sits in: all but its last part (`a/b` for `a/b/c`; `""` at the top)."""
    return name.rsplit("/", 1)[0] if "/" in name else ""


@dataclass
class VariableRecord:
    key: str  # unique within a capture: graph key + name (+ "#n" for eager duplicates)
    name: str  # TF's full name without ":0"
    graph: str  # graph key ("g0", ..., or "eager")
    shape: list[int | None] | None
    dtype: str
    trainable: bool | None  # None: not known (read from a file, not recorded)
    api: str  # "get_variable", "Variable", "keras", "distributed", ...
    initializer: str | None = None
    device_requested: str | None = None
    device: str | None = None
    created: bool | None = True
    reuse_count: int | None = 0
    sites: list[dict[str, Any]] = field(default_factory=list)
    handle_op: str | None = None  # graph mode: the op holding the variable
    requested_name: str | None = None  # the `name=` asked for, when TF may rename
    partition_of: str | None = None  # logical name of a partitioned variable
    components: list[str] = field(default_factory=list)  # keys of per-replica parts
    component_of: str | None = None  # key of the distributed variable this is part of
    tf_name: str | None = None  # TF's own name, where `name` is a Keras path
    slot_of: str | None = None  # key of the variable this optimizer slot serves
    slot: str | None = None  # the slot's name (`m`, `v`, `momentum`), where known
    by_library: bool = False  # made at a library's request (an optimizer), not the user's
    optimizer: bool = False  # an optimizer's: a slot, its step counter, beta powers
    match: dict[str, Any] | None = (
        None  # in a match's tree: its state against the checkpoint (match.py)
    )


@dataclass
class OpRecord:
    name: str  # its place in the tree: TF's name, under the op that runs its function graph
    type: str
    graph: str
    device_requested: str | None
    device: str | None = None
    inputs: list[str] = field(default_factory=list)  # producing op names, same graph
    reads: list[str] = field(default_factory=list)  # keys of variables read
    tf_name: str | None = None  # TF's own name in its graph, where it differs from `name`
    colocated: bool = False  # placed off its request, where a resource it reads lives
    ran: bool = True  # False: of a trace TF never ran (under NEVER_RAN, counted in no total)
    # Each output's {"shape": [int | None, ...] | None, "dtype": str}, as TF reports it;
    # None where not recorded (an op read from a file)
    outputs: list[dict[str, Any]] | None = None
    flops: int | None = None  # TF's registered statistic; None where unknown or not asked
    # Measured (a profile): its run time in µs over every traced run, and its allocators'
    # peak bytes where the trace has them; None where not profiled or not in the trace
    micros: float | None = None
    peak_bytes: int | None = None


@dataclass
class ScopeRecord:
    """A scope opened during the block: a variable scope, a name scope, or both."""

    graph: str
    variable_scope: str | None  # the variable scope's name, if one was opened
    name_scope: str | None  # the name scope in force after opening, if one was opened


@dataclass
class GetVariableFailure:
    """`get_variable` raised: reuse forgotten, reuse of a missing variable, or a mismatch."""

    name: str
    graph: str
    message: str
    site: dict[str, Any]
    existing_key: str | None = None  # the variable it clashed with, if recorded
    existing_site: dict[str, Any] | None = None  # its first creation site, from TF if not recorded


@dataclass
class NameScopeIgnored:
    name: str  # the variable's name
    key: str
    name_scope: str  # the name scope in force, which the name does not carry
    site: dict[str, Any]


@dataclass
class EagerReuse:
    """Eager `get_variable` made a new variable although one of that name existed."""

    key: str
    previous_key: str
    site: dict[str, Any]


@dataclass
class Capture:
    """Everything one recording collected, ready to become a ScopeReport."""

    meta: dict[str, Any]
    graphs: list[dict[str, Any]] = field(default_factory=list)
    variables: dict[str, VariableRecord] = field(default_factory=dict)
    ops: list[OpRecord] = field(default_factory=list)
    scopes: list[ScopeRecord] = field(default_factory=list)
    failures: list[GetVariableFailure] = field(default_factory=list)
    name_scope_ignored: list[NameScopeIgnored] = field(default_factory=list)
    eager_reuse: list[EagerReuse] = field(default_factory=list)
