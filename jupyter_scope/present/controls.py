"""What a tree view's sort and filter controls offer for one report, with their counts.

The document's display section carries them (`sorts`, `filters`), so every view (widget,
lab renderer, Scopes panel, HTML page) offers the same choices under the same labels and
counts. A filter's `key` names the test the tree applies to a variable or op
(`filter.ts`'s `VARIABLE_TESTS` and `Pick`); `count` is how many pass it, which the front
end's tests check its own test against on the golden documents. Filters of one `group` widen
each other (created or reused); groups narrow each other (created and trainable).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any, TypedDict

import networkx as nx

from jupyter_scope.model import devices
from jupyter_scope.model.roles import role


class _Sort(TypedDict):
    key: str  # the field of scopes and variables, largest first; not a field: `order`, `name`
    label: str


class Sort(_Sort, total=False):
    less: str  # a field the value is taken without: params as rows show them, the model's


class Filter(TypedDict):
    key: str
    group: str
    label: str
    title: str
    count: int


# Always offered: as built (the tree's own order), by name, by size. Cost columns follow
# when the report carries them (`_COST_SORTS`).
_SORTS: tuple[Sort, ...] = (
    {"key": "order", "label": "order built"},
    {"key": "name", "label": "name"},
    {"key": "params", "label": "params", "less": "params_optimizer"},
    {"key": "bytes", "label": "bytes", "less": "bytes_optimizer"},
    {"key": "n_ops", "label": "ops"},
)
_COST_SORTS: tuple[Sort, ...] = (
    {"key": "flops", "label": "FLOPs"},
    {"key": "activation_bytes", "label": "activations"},
    {"key": "micros", "label": "time"},
    {"key": "peak_bytes", "label": "peak memory"},
)

Node = Mapping[str, Any]
# key → (group, label, title, what passes); they test variables.
_VARIABLE_FILTERS: dict[str, tuple[str, str, str, Callable[[Node], bool]]] = {
    "created": (
        "use",
        "created",
        "variables created during the recording",
        lambda v: bool(v["created"]),
    ),
    "reused": (
        "use",
        "reused",
        "variables get_variable handed out again",
        lambda v: bool(v["reuse_count"]),
    ),
    "trainable": (
        "role",
        "trainable",
        "variables an optimizer trains",
        lambda v: role(v) == "trainable",
    ),
    "non_trainable": (
        "role",
        "non-trainable",
        "the model's variables no optimizer trains",
        lambda v: role(v) == "non_trainable",
    ),
    "optimizer": (
        "role",
        "optimizer",
        "optimizer slots, step counters and the optimizer's other variables",
        lambda v: role(v) == "optimizer",
    ),
}
_MATCH_FILTERS: dict[str, tuple[str, str]] = {
    "matched": ("matched", "in the checkpoint under the same name, or under a renamed scope"),
    "missing": ("missing", "not in the checkpoint, and not an optimizer's or a step counter"),
    "expected": ("expected missing", "optimizer slots and step counters not in the checkpoint"),
    "unexpected": ("unexpected", "only in the checkpoint"),
    "mismatch": ("shape/dtype mismatch", "in the checkpoint with another shape or dtype"),
}


def match_filter(state: Mapping[str, Any]) -> str:
    """The match filter a variable's `match` state falls under."""
    if state["state"] in ("matched", "renamed"):
        return "matched"
    if state["state"] in ("shape", "dtype"):
        return "mismatch"
    if state["state"] == "missing" and state.get("expected"):
        return "expected"
    return str(state["state"])


def sorts(graph: nx.DiGraph) -> list[Sort]:
    """The sort keys: the sizes always, each cost column the report has any of (the root
    scope's total is not 0 or unknown)."""
    root: Node = next((d for _, d in graph.nodes(data=True) if d["kind"] == "scope"), {})
    return [*_SORTS, *(s for s in _COST_SORTS if root.get(s["key"]))]


def filters(graph: nx.DiGraph, diagnostics: list[dict[str, Any]], matched: bool) -> list[Filter]:
    """Every filter a view offers, with how many nodes pass it. Per-replica parts of a
    distributed variable are not rows of their own, and count in none."""
    variables = [
        d
        for _, d in graph.nodes(data=True)
        if d["kind"] == "variable" and not d.get("component_of")
    ]
    out: list[Filter] = []
    recorded = any(v["created"] is not None for v in variables)  # loaded: nothing to say
    for key, (group, label, title, passes) in _VARIABLE_FILTERS.items():
        if group != "use" or recorded:
            out.append(_filter(key, group, label, title, sum(map(passes, variables))))
    if matched:
        states = [match_filter(v["match"]) for v in variables if v.get("match")]
        for key, (label, title) in _MATCH_FILTERS.items():
            out.append(_filter(key, "match", label, title, states.count(key)))
    out.extend(_device_filters(graph))
    named = {name for d in diagnostics for name in d["nodes"]}
    flagged = sum(
        d["name"] in named
        for _, d in graph.nodes(data=True)
        if d["kind"] == "op" or (d["kind"] == "variable" and not d.get("component_of"))
    )
    title = "the variables and ops a diagnostic names"
    out.append(_filter("diagnostics", "problems", "with diagnostics", title, flagged))
    return out


def _filter(key: str, group: str, label: str, title: str, count: int) -> Filter:
    return {"key": key, "group": group, "label": label, "title": title, "count": count}


def _device_filters(graph: nx.DiGraph) -> list[Filter]:
    """A filter per short device name (the device choice): the variables (a replica's
    part on its own device too) and ops that run on it or asked for it."""
    counts: Counter[str] = Counter()
    for _, node in graph.nodes(data=True):
        if node["kind"] == "scope":
            continue
        requested = node.get("device_requested")
        counts.update({devices.short(d) for d in (node.get("device") or requested, requested) if d})
    title = "the variables and ops that run on {0} or asked for it"
    return [
        _filter(name, "device", name, title.format(name), counts[name]) for name in sorted(counts)
    ]
