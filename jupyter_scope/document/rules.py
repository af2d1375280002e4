"""The per-node and per-edge rules of `schema.json`, hand-written for speed.

jsonschema costs ~150 µs a node; a report can hold 700k of them. `document.check_schema`
checks the rest of a document with jsonschema and its nodes and edges here, against the
same rules (`$defs/node`, `$defs/site`, the edge item): `tests/test_hostile.py` proves
that both agree. A failed rule raises `ItemError(path, message)`. `document/typed.py`
makes msgspec types of these tables, to decode and check most documents in one pass.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jupyter_scope.analysis.match import STATES

Check = Callable[[Any], bool]


class ItemError(Exception):
    def __init__(self, path: list[str | int], message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def is_str(value: Any) -> bool:
    return isinstance(value, str)


def is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def is_int(value: Any) -> bool:
    """JSON Schema's `integer`: no bool, and a float only when it has no fraction."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def or_null(check: Check) -> Check:
    return lambda value: value is None or check(value)


def list_of(check: Check) -> Check:
    return lambda value: isinstance(value, list) and all(map(check, value))


MAX_COUNT = 2**63 - 1  # TF's element counts and sizes are int64: no report holds more


def count(value: Any) -> bool:
    """An integer in 0..2^63-1 (a count, a size, a dimension, a line)."""
    if value.__class__ is int:  # most values: a call less (~0.3 s at 10^6 variables)
        return 0 <= value <= MAX_COUNT
    return is_int(value) and 0 <= value <= MAX_COUNT


def count_values(value: Any) -> bool:
    return isinstance(value, dict) and all(count(v) for v in value.values())


MAX_MICROS = 10**15  # 31 years of run time


def micros(value: Any) -> bool:
    """A measured time in µs: a finite number in 0..10^15."""
    return (
        isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= MAX_MICROS
    )


def values_of(check: Check) -> Check:
    return lambda value: isinstance(value, dict) and all(check(v) for v in value.values())


str_or_null = or_null(is_str)
count_or_null = or_null(count)
shape_or_null = or_null(list_of(count_or_null))


def output(value: Any) -> bool:
    """An op's output: `{"shape": ..., "dtype": ...}`, nothing else."""
    return (
        isinstance(value, dict)
        and value.keys() == {"shape", "dtype"}
        and shape_or_null(value["shape"])
        and is_str(value["dtype"])
    )


def pair_of(check: Check) -> Check:
    return lambda value: isinstance(value, list) and len(value) == 2 and all(map(check, value))


def is_list(value: Any) -> bool:
    return isinstance(value, list)


def is_dict(value: Any) -> bool:
    return isinstance(value, dict)


# Rules of node fields, each a name of its own: `document/typed.py` gives each its type.
str_list = list_of(is_str)
bool_or_null = or_null(is_bool)
micros_or_null = or_null(micros)
micros_values = values_of(micros)
outputs = list_of(output)


# kind → field → (required, rule, what the rule asks, for the message). Fields come in the
# order the builder writes them (`model/build.py`): the order of the dicts `document/typed.py`
# makes from these tables.
Rules = dict[str, tuple[bool, Check, str]]
SCOPE: Rules = {
    "variable_scope": (True, is_bool, "a boolean"),
    "name_scope": (True, is_bool, "a boolean"),
    "links": (False, str_list, "a list of strings"),
    "n_variables": (True, count, "an integer in 0..2^63-1"),
    "n_ops": (True, count, "an integer in 0..2^63-1"),
    "params": (True, count, "an integer in 0..2^63-1"),
    "bytes": (True, count, "an integer in 0..2^63-1"),
    # since 1.3: params and bytes split by whose they are
    **{
        f"{what}_{whose}": (False, count, "an integer in 0..2^63-1")
        for whose in ("trainable", "non_trainable", "optimizer")
        for what in ("params", "bytes")
    },
    # since 1.4: static cost
    "flops": (False, count_or_null, "an integer in 0..2^63-1 or null"),
    "activation_bytes": (False, count, "an integer in 0..2^63-1"),
    # since 1.5: the static memory estimate
    "memory_bytes": (False, count, "an integer in 0..2^63-1"),
    "devices": (True, count_values, "an object of integers in 0..2^63-1"),
    # since 1.5, measured cost, in a profiled report
    "micros": (False, micros_or_null, "a number in 0..10^15 or null"),
    "peak_bytes": (False, count_or_null, "an integer in 0..2^63-1 or null"),
    "device_micros": (False, micros_values, "an object of numbers in 0..10^15"),
}
OP: Rules = {
    "type": (True, is_str, "a string"),
    "scope": (True, is_str, "a string"),
    "device_requested": (True, str_or_null, "a string or null"),
    "device": (True, str_or_null, "a string or null"),
    "graph": (True, is_str, "a string"),
    "tf_name": (False, is_str, "a string"),
    "colocated": (False, is_bool, "a boolean"),
    "ran": (False, is_bool, "a boolean"),  # since 1.3
    # since 1.4
    "outputs": (False, outputs, "a list of {shape, dtype} objects"),
    "flops": (False, count_or_null, "an integer in 0..2^63-1 or null"),
    # since 1.5, where measured
    "micros": (False, micros, "a number in 0..10^15"),
    "peak_bytes": (False, count_or_null, "an integer in 0..2^63-1 or null"),
}
VARIABLE: Rules = {
    "shape": (True, shape_or_null, "a list of integers in 0..2^63-1 or nulls, or null"),
    "dtype": (True, is_str, "a string"),
    # null in a report loaded from a file: a checkpoint does not say (`load/loader.py`)
    "trainable": (True, bool_or_null, "a boolean or null"),
    "created": (True, bool_or_null, "a boolean or null"),
    "reuse_count": (True, count_or_null, "an integer in 0..2^63-1 or null"),
    "api": (True, is_str, "a string"),
    "initializer": (True, str_or_null, "a string or null"),
    "device_requested": (True, str_or_null, "a string or null"),
    "device": (True, str_or_null, "a string or null"),
    "params": (True, count, "an integer in 0..2^63-1"),
    "bytes": (True, count, "an integer in 0..2^63-1"),
    "sites": (True, is_list, "a list of sites"),
    "scope": (True, is_str, "a string"),
    "graph": (True, is_str, "a string"),
    # Optional. Ids must also name a node of the document (`document.check_references`).
    "partition_of": (False, is_str, "a string"),
    "components": (False, str_list, "a list of node ids"),
    "component_of": (False, is_str, "a node id"),
    "tf_name": (False, is_str, "a string"),
    "slot_of": (False, is_str, "a node id"),
    "slot": (False, is_str, "a string"),
    "optimizer": (False, is_bool, "a boolean"),  # since 1.3
    "match": (False, is_dict, "a match state object"),
}
MATCH: Rules = {  # a variable's `match`, in a match's tree (`analysis/match.py`)
    "state": (True, lambda v: v in STATES, f"one of {list(STATES)}"),
    "checkpoint": (True, str_or_null, "a string or null"),
    "shape": (False, pair_of(shape_or_null), "a pair of shapes"),
    "dtype": (False, pair_of(is_str), "a pair of strings"),
}
BASE: Rules = {"id": (True, is_str, "a string"), "name": (True, is_str, "a string")}
KINDS: dict[str, Rules] = {"scope": BASE | SCOPE, "variable": BASE | VARIABLE, "op": BASE | OP}
EDGE_KINDS = ("contains", "input", "reads")
SITE_KINDS = ("create", "reuse")


def shown(value: Any) -> str:
    """A value for a message: its repr, cut short (a name or number may be huge)."""
    try:
        text = repr(value)
    except ValueError:  # an int of more than 4300 digits has no repr
        return "a huge integer"
    return text if len(text) <= 40 else text[:8] + "…"


def check_fields(item: Any, rules: Rules, path: list[str | int]) -> None:
    if not isinstance(item, dict):
        raise ItemError(path, f"{shown(item)} is not an object")
    for field, (required, rule, wanted) in rules.items():
        if field not in item:
            if required:
                raise ItemError(path, f"{field!r} is a required property")
        elif not rule(item[field]):
            raise ItemError([*path, field], f"{shown(item[field])}, which is not {wanted}")


LOCATION: Rules = {
    "file": (True, is_str, "a string"),
    "line": (True, count_or_null, "an integer in 0..2^63-1 or null"),
}


def check_site(site: Any, path: list[str | int]) -> None:
    check_fields(site, LOCATION, path)
    if "kind" not in site:
        raise ItemError(path, "'kind' is a required property")
    if site["kind"] not in SITE_KINDS:
        raise ItemError([*path, "kind"], f"{shown(site['kind'])} is not one of {list(SITE_KINDS)}")
    if "callers" in site:
        callers = site["callers"]
        if not isinstance(callers, list):
            raise ItemError([*path, "callers"], f"{shown(callers)} is not a list")
        for i, caller in enumerate(callers):
            check_fields(caller, LOCATION, [*path, "callers", i])


def check_node(node: Any, index: int) -> None:
    path: list[str | int] = ["graph", "nodes", index]
    if not isinstance(node, dict):
        raise ItemError(path, f"{shown(node)} is not an object")
    if "kind" not in node:
        raise ItemError(path, "'kind' is a required property")
    rules = KINDS.get(node["kind"]) if isinstance(node["kind"], str) else None
    if rules is None:
        raise ItemError([*path, "kind"], f"{shown(node['kind'])} is not one of {list(KINDS)}")
    check_fields(node, rules, path)
    if node["kind"] == "variable":
        for i, site in enumerate(node["sites"]):
            check_site(site, [*path, "sites", i])
        if "match" in node:
            check_fields(node["match"], MATCH, [*path, "match"])


EDGE: Rules = {"source": (True, is_str, "a string"), "target": (True, is_str, "a string")}


def check_edge(edge: Any, index: int) -> None:
    if (  # the common case, without a call per field
        type(edge) is dict
        and type(edge.get("source")) is str
        and type(edge.get("target")) is str
        and edge.get("kind") in EDGE_KINDS
    ):
        return
    path: list[str | int] = ["graph", "edges", index]
    check_fields(edge, EDGE, path)
    if "kind" not in edge:
        raise ItemError(path, "'kind' is a required property")
    if edge["kind"] not in EDGE_KINDS:
        raise ItemError([*path, "kind"], f"{shown(edge['kind'])} is not one of {list(EDGE_KINDS)}")
