"""Diagnostics: what went wrong or surprised, where, and how to fix it (codes in SPEC.md)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import networkx as nx

from jupyter_scope.report import devices
from jupyter_scope.report.records import Capture


def where(site: dict | None) -> str:
    if not site:
        return "an unknown place"
    return f"{site['file']}, line {site['line']}" if site.get("line") else site["file"]


def _diagnostic(
    level: str, code: str, message: str, nodes: list[str], sites: Sequence[dict | None]
) -> dict[str, Any]:
    return {
        "level": level,
        "code": code,
        "message": message,
        "nodes": nodes,
        "sites": [s for s in sites if s],
    }


def _failures(capture: Capture) -> list[dict]:
    found = []
    for f in capture.failures:
        first = (
            capture.variables[f.existing_key].sites[0]
            if f.existing_key in capture.variables
            else f.existing_site
        )
        if "already exists" in f.message:
            found.append(
                _diagnostic(
                    "error",
                    "variable-exists",
                    (
                        f"Variable {f.name} already exists, and get_variable was asked to "
                        f"create it again at {where(f.site)} (reuse was off). It was first "
                        f"created at {where(first)}. To share it, open the scope with "
                        "reuse=True or reuse=tf.compat.v1.AUTO_REUSE, or call "
                        "scope.reuse_variables() before the second use; for a separate "
                        "variable, use another scope name."
                    ),
                    [f.name],
                    [f.site, first],
                )
            )
        elif "does not exist" in f.message:
            found.append(
                _diagnostic(
                    "error",
                    "variable-missing",
                    (
                        f"Variable {f.name} does not exist, but get_variable at {where(f.site)} "
                        f"was asked to reuse it (reuse=True). Create it first with reuse off, use "
                        f"reuse=tf.compat.v1.AUTO_REUSE to create it when missing, or check the "
                        f"scope name."
                    ),
                    [f.name],
                    [f.site],
                )
            )
        elif "Trying to share variable" in f.message:
            found.append(
                _diagnostic(
                    "error",
                    "shape-mismatch",
                    (
                        f"get_variable at {where(f.site)} tried to share {f.name} with another "
                        f"shape or dtype than it was created with at {where(first)}: "
                        f"{f.message.strip()} Ask for the same shape and dtype, or use another "
                        f"name."
                    ),
                    [f.name],
                    [f.site, first],
                )
            )
        else:
            found.append(
                _diagnostic(
                    "error",
                    "get-variable-failed",
                    (f"get_variable({f.name!r}) at {where(f.site)} failed: {f.message.strip()}"),
                    [f.name],
                    [f.site],
                )
            )
    return found


def _eager_reuse(capture: Capture) -> list[dict]:
    found = []
    for e in capture.eager_reuse:
        var, earlier = capture.variables[e.key], capture.variables[e.previous_key]
        found.append(
            _diagnostic(
                "warning",
                "eager-reuse-ignored",
                (
                    f"Under eager execution get_variable made a new variable {var.name} at "
                    f"{where(e.site)}, although one of that name was made at "
                    f"{where(earlier.sites[0])}: reuse is ignored in eager mode, so the two do not "
                    f"share weights. Keep variables in Python objects (tf.Module, Keras layers), "
                    f"or build this code in a tf.Graph (%%scopes --graph)."
                ),
                [var.name],
                [e.site, earlier.sites[0]],
            )
        )
    return found


def _duplicate_names(capture: Capture) -> list[dict]:
    found = []
    for var in capture.variables.values():
        asked = var.requested_name
        leaf = var.name.rsplit("/", 1)[-1]
        if (
            var.api == "get_variable"
            or var.by_library  # an optimizer's `beta1_power_1`: TF's choice, not a slip
            or var.graph == "eager"
            or not isinstance(asked, str)
            or not asked
            or asked.endswith("/")
            or leaf == asked
            or not leaf.startswith(f"{asked}_")
        ):
            continue
        scope = var.name.rsplit("/", 1)[0] if "/" in var.name else "the root scope"
        found.append(
            _diagnostic(
                "warning",
                "duplicate-name",
                (
                    f"tf.Variable was asked for the name {asked!r} in {scope}, where that name was "
                    f"taken, so TF named it {var.name} (at {where(var.sites[0])}). tf.Variable "
                    f"always makes a new variable: use get_variable with reuse to share one, or "
                    f"pick a distinct name."
                ),
                [var.name],
                var.sites[:1],
            )
        )
    return found


def _name_scope_ignored(capture: Capture) -> list[dict]:
    return [
        _diagnostic(
            "info",
            "name-scope-ignored",
            (
                f"get_variable made {n.name} inside name_scope {n.name_scope!r} (at "
                f"{where(n.site)}), but the name does not carry it: get_variable takes names "
                f"from variable scopes only. To have the name carry {n.name_scope!r}, open "
                f"tf.compat.v1.variable_scope instead of name_scope there."
            ),
            [n.name],
            [n.site],
        )
        for n in capture.name_scope_ignored
    ]


def _placement_fallbacks(graph: nx.DiGraph) -> list[dict]:
    """One line per (scope, asked, placed), not one per op."""
    # names in order, once: a graph variable and the op holding it share a name
    groups: defaultdict[tuple[str, str, str], dict[str, None]] = defaultdict(dict)
    for _, data in graph.nodes(data=True):
        if data["kind"] == "scope":
            continue
        asked, placed = data.get("device_requested"), data.get("device")
        if devices.fell_back(data):
            groups[(data["scope"], devices.short(asked), devices.short(placed))][data["name"]] = (
                None
            )
    found = []
    for (scope, asked, placed), named in sorted(groups.items()):
        names = list(named)
        examples = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        found.append(
            _diagnostic(
                "warning",
                "placement-fallback",
                (
                    f"{len(names)} node(s) in scope {scope or '(root)'!r} asked for {asked} but "
                    f"were placed on {placed}: {examples}. Under soft placement TF falls back when "
                    f"the device is missing or has no kernel for the op, and it runs an op that "
                    f"reads a variable where the variable lives; check "
                    f"tf.config.list_logical_devices() and the op's kernels."
                ),
                names,
                [],
            )
        )
    return found


def diagnose(capture: Capture, graph: nx.DiGraph) -> list[dict[str, Any]]:
    return (
        _failures(capture)
        + _eager_reuse(capture)
        + _duplicate_names(capture)
        + _name_scope_ignored(capture)
        + _placement_fallbacks(graph)
    )
