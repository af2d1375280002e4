"""What the displays show, computed once, in Python.

The JSON document carries it as `display` (schema 1.2), so the TypeScript tree (widget,
sidebar panel, mime renderer, standalone page) renders these values instead of computing
them again, and the text, HTML and file exports read the same ones:

- `summary`: the counts of the header and its `line`;
- `heading`: mode, TF version and wall time;
- `devices`: every device string in the report → its short name and colour;
- `nodes`: per scope its totals line (`facts`), how it was opened (`mark`), its device
  mix and, for a variable's own ops scope (`w/Initializer`, `w/Assign`), the variable it
  belongs to (`owner`); per variable its facts, badges and call lines (`sites`); per
  recorded op its outputs and FLOPs (`facts`); per variable or op placed against its
  request, `fallback`;
- `badges`, `sites`, `colours`: what many nodes show alike, once. A node's `mark` and
  `badges` are indexes into `badges`, its `sites` into `sites` (call lines); a device
  mix names short devices, coloured by `colours`. An inception_v3 has 1,500 scopes
  marked `NS` and every variable made on one line;
- `diagnostics`: the diagnostics merged by code, errors first, each code's advice once;
- `functions`: each traced function and the variables it reads;
- `time` (1.5): where the time goes, the scopes whose own ops took the most measured
  time (absent where nothing was measured).

A match's tree (`analysis/match.py`) has variables carrying their `match` state: each
gets a badge per difference and a row `colour` by state (`MATCH_STATES`), a scope the
colour all its variables share, and the summary line counts the states.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any, TypedDict

import networkx as nx

from jupyter_scope.model import devices, sites
from jupyter_scope.model.roles import ROLES, role
from jupyter_scope.present import controls, human
from jupyter_scope.records import NEVER_RAN

PALETTE = ("#4e79a7", "#59a14f", "#f28e2b", "#b07aa1", "#e15759", "#76b7b2", "#edc948", "#9c755f")
UNPLACED_COLOUR = "#bab0ac"
# A match state (`analysis.match.STATES`) → (row and badge colour, what it means).
MATCH_STATES = {
    "shape": ("#c62828", "shape differs"),
    "dtype": ("#c62828", "dtype differs"),
    "missing": ("#ef6c00", "not in the checkpoint"),
    "unexpected": ("#1565c0", "only in the checkpoint"),
    "renamed": ("#6a1b9a", "matched under another scope"),
    "matched": ("#2e7d32", "matched"),
}


class DeviceEntry(TypedDict):
    short: str
    colour: str | None  # none for a device only asked for, where nothing runs


class Counts:
    """The header's counts (`summary`), added up a node at a time, so that a walk over the
    nodes made for another reason (the text tree's) counts them as it goes instead of in
    a pass of its own: at 10^6 variables a pass is ~0.8 s."""

    def __init__(self) -> None:
        self.seen = 0  # nodes added
        self.variables = self.ops = self.created = self.reused = self.trainable_unknown = 0
        self.places: set[str] = set()
        self.params = dict.fromkeys(ROLES, 0)  # by whose they are (`roles.role`)
        self.bytes = dict.fromkeys(ROLES, 0)

    def add(self, data: Mapping[str, Any]) -> None:
        """Count a node: a distributed variable counts once, not once per replica, and an
        op of a trace TF never ran not at all. Params and bytes are also split by whose
        they are (`roles.role`); `trainable_unknown` counts variables read from a file
        that does not say whether they train."""
        self.seen += 1
        kind = data["kind"]
        if kind == "scope" or data.get("component_of") or data.get("ran") is False:
            return
        if kind == "variable":
            self.variables += 1
            self.created += bool(data["created"])
            self.reused += bool(data["reuse_count"])  # None: loaded, not recorded
            whose = role(data)
            self.params[whose] += data["params"]
            self.bytes[whose] += data["bytes"]
            self.trainable_unknown += data["trainable"] is None
        else:
            self.ops += 1
        if where := data.get("device") or data.get("device_requested"):
            self.places.add(where)

    def summary(self, graph: nx.DiGraph, diagnostics: list[dict[str, Any]]) -> dict[str, Any]:
        """The counts of every node added, with the static cost of all that ran, the root
        scope's (1.4; none in an older document), and the diagnostics' levels."""
        counts = {
            "created": self.created,
            "reused": self.reused,
            "params": sum(self.params.values()),
            "bytes": sum(self.bytes.values()),
            "trainable_unknown": self.trainable_unknown,
        }
        for whose in ROLES:
            counts[f"params_{whose}"] = self.params[whose]
            counts[f"bytes_{whose}"] = self.bytes[whose]
        root: dict[str, Any] = next(
            (data for _, data in graph.nodes(data=True) if data["kind"] == "scope"), {}
        )
        # 1.5: its static memory estimate and, in a profiled report, its measured cost
        kept = ("flops", "activation_bytes", "memory_bytes", "micros", "peak_bytes")
        cost: dict[str, Any] = {k: root[k] for k in kept if k in root}
        return {
            **counts,
            **cost,
            "variables": self.variables,
            "ops": self.ops,
            "devices": len(self.places),
            "errors": sum(d["level"] == "error" for d in diagnostics),
            "warnings": sum(d["level"] == "warning" for d in diagnostics),
        }


def summary(
    graph: nx.DiGraph, diagnostics: list[dict[str, Any]], counted: Counts | None = None
) -> dict[str, Any]:
    """The header's counts (`Counts`) of the graph's nodes; `counted`: already added up,
    every node once."""
    if counted is None:
        counted = Counts()
        add = counted.add
        for data in graph._node.values():  # networkx's own dict: no view
            add(data)
    return counted.summary(graph, diagnostics)


def summary_section(
    graph: nx.DiGraph,
    meta: dict[str, Any],
    diagnostics: list[dict[str, Any]],
    counted: Counts | None = None,
) -> dict[str, Any]:
    """The display's `summary`: the counts (`summary`) and their `line`; a match's tree
    counts its match states."""
    counts = summary(graph, diagnostics, counted)
    matched = meta.get("match") is not None
    line = match_line(match_counts(graph)) if matched else human.summary_line(counts)
    return {**counts, "line": line}


def source_name(source: dict[str, Any] | None) -> str:
    """E.g. `ckpt/model.ckpt (checkpoint, name-based)`."""
    if not source:
        return "the recorded report"
    form = f", {source['format']}" if source.get("format") else ""
    return f"{source['path']} ({source['kind']}{form})"


def rename_text(theirs: str, ours: str) -> str:
    return f"renamed {theirs or '(root)'}/ → {ours or '(root)'}/"


def match_counts(graph: nx.DiGraph) -> dict[str, int]:
    """As `Match.counts()`, read off a match's tree: a pair differing in shape and dtype
    counts in both."""
    counts = dict.fromkeys(
        (
            "matched",
            "renamed",
            "missing",
            "expected_missing",
            "unexpected",
            "shape_mismatch",
            "dtype_mismatch",
        ),
        0,
    )
    for _, state in graph.nodes(data="match"):
        if state is None:
            continue
        if state["state"] in ("matched", "renamed"):
            counts["matched"] += 1
        if state["state"] in ("renamed", "missing", "unexpected"):
            counts[state["state"]] += 1
        counts["expected_missing"] += bool(state.get("expected"))
        for what in ("shape", "dtype"):
            counts[f"{what}_mismatch"] += what in state
    return counts


def match_line(counts: dict[str, int]) -> str:
    """E.g. `12 matched (2 renamed), 3 missing, 1 unexpected, 1 shape mismatch, 8 expected
    missing (optimizer, step counter)`: the misses a model-only checkpoint always has are
    counted apart, last."""
    matched = f"{counts['matched']} matched"
    if counts["renamed"]:
        matched += f" ({counts['renamed']} renamed)"
    said = {**counts, "missing": counts["missing"] - counts["expected_missing"]}
    rest = ("missing", "unexpected", "shape_mismatch", "dtype_mismatch")
    parts = [matched, *(f"{said[k]} {k.replace('_', ' ')}" for k in rest if said[k])]
    if counts["expected_missing"]:
        parts.append(f"{counts['expected_missing']} {EXPECTED_MISSING}")
    return ", ".join(parts)


EXPECTED_MISSING = "expected missing (optimizer, step counter)"


def match_badges(state: dict[str, Any]) -> list[dict[str, str]]:
    """A badge per difference (`shape [3,3] ≠ [3,5]`), else the state (`← net/w` for a
    rename); each in its row's colour."""
    theirs = state.get("checkpoint")
    out = []
    for what in ("shape", "dtype"):
        if what in state:
            a, b = (human.shape(v) if what == "shape" else v for v in state[what])
            meaning = MATCH_STATES[what][1]
            title = f"{meaning}: the checkpoint's {theirs} has {b}"
            out.append({"text": f"{what} {a} ≠ {b}", "kind": "match", "title": title})
    if not out:
        meaning = MATCH_STATES[state["state"]][1]
        renamed = state["state"] == "renamed"
        out.append(
            {
                "text": f"← {theirs}" if renamed else state["state"],
                "kind": "match",
                "title": f"{meaning}: {theirs}" if renamed else meaning,
            }
        )
    return out


def match_text(shown: dict[str, Any], node: str) -> str:
    """A variable's match badges as one cell of text, for the table exports."""
    return "; ".join(b["text"] for b in node_badges(shown, node) if b["kind"] == "match")


def node_badges(shown: dict[str, Any], node: str) -> list[dict[str, str]]:
    """A node's badges, from a display section (`shown`)."""
    return [shown["badges"][i] for i in shown["nodes"].get(node, {}).get("badges", ())]


def node_sites(shown: dict[str, Any], node: str) -> list[dict[str, Any]]:
    """A variable's call lines, from a display section (`shown`)."""
    return [shown["sites"][i] for i in shown["nodes"].get(node, {}).get("sites", ())]


def scope_states(graph: nx.DiGraph) -> dict[str, str]:
    """Scope id → the match state all variables under it share, where they share one."""
    parent = {v: u for u, v, kind in graph.edges(data="kind") if kind == "contains"}
    found: defaultdict[str, set[str]] = defaultdict(set)
    for node, state in graph.nodes(data="match"):
        scope = parent.get(node) if state else None
        while scope is not None:
            found[scope].add(state["state"])
            scope = parent.get(scope)
    return {scope: next(iter(states)) for scope, states in found.items() if len(states) == 1}


def heading(meta: dict[str, Any]) -> str:
    """E.g. `graph mode · TF 2.21.0 · 0.12 s`; a match's tree: what it was matched against."""
    parts = [f"“{meta['name']}”"] if meta.get("name") else []
    if match := meta.get("match"):
        parts.append(f"matched against {source_name(match['checkpoint'])}")
        parts.extend(rename_text(theirs, ours) for theirs, ours in match["renames"])
    parts.append(f"{meta['mode']} mode")
    if meta.get("tf_version"):
        parts.append(f"TF {meta['tf_version']}")
    parts.append(f"{meta['wall_time']:.2f} s")
    return " · ".join(parts)


def card(counts: dict[str, Any], meta: dict[str, Any], line: str) -> dict[str, str | None]:
    """A report's line in the sidebar's list; a match's tree lists its match `line`."""
    return {
        "counts": line
        if meta.get("match")
        else f"{counts['created']} created · {counts['reused']} reused · "
        f"{human.plural(counts['ops'], 'op')} · {human.model_params(counts)}",
        "time": f"{meta['wall_time']:.2f} s",
        "errors": human.plural(counts["errors"], "error") if counts["errors"] else None,
        "warnings": human.plural(counts["warnings"], "warning") if counts["warnings"] else None,
    }


def device_table(graph: nx.DiGraph) -> dict[str, DeviceEntry]:
    """Every device string asked for or placed on → short name and colour. Colours go to
    where nodes run (placed, else asked for): one per local device, one per remote task,
    sorted, in palette order."""
    named: set[str] = set()
    running: set[str] = set()
    for _, data in graph.nodes(data=True):
        if data["kind"] == "scope":
            continue
        named.update(d for d in (data.get("device"), data.get("device_requested")) if d)
        if where := data.get("device") or data.get("device_requested"):
            running.add(where)
    keys = {devices.colour_key(where) for where in running}
    colours = {key: PALETTE[i % len(PALETTE)] for i, key in enumerate(sorted(keys))}
    return {
        name: {"short": devices.short(name), "colour": colours.get(devices.colour_key(name))}
        for name in sorted(named)
    }


def colours(table: dict[str, DeviceEntry]) -> dict[str, str]:
    """Short device name → colour, from the device table."""
    return {e["short"]: e["colour"] for e in table.values() if e["short"] and e["colour"]}


def owners(graph: nx.DiGraph) -> dict[str, str]:
    """Scope id → id of the variable it belongs to (`scope_owners`), over the graph."""
    found = {}
    nodes = graph._node  # networkx's own dicts: its views cost ~1 µs a lookup
    for scope in graph._succ:
        if nodes[scope]["kind"] == "scope":
            found.update(scope_owners(graph, scope))
    return found


def scope_owners(graph: nx.DiGraph, scope: str) -> dict[str, str]:
    """Of a scope's sub-scopes, those that belong to a variable beside them → its id: a
    scope of the same name as the variable, holding only the variable's own ops (TF names
    them `w/Assign`) and its optimizer slots (`w/Adam`, `w/Adam_1`, whose `slot_of` is
    `w`). Displays show it inside the variable, never as a sibling of the same name."""
    found = {}
    nodes = graph._node
    variables: dict[str, str] = {}
    scopes: list[str] = []
    for child in graph._succ[scope]:
        data = nodes[child]
        kind = data["kind"]
        if kind == "variable":
            variables.setdefault(data["name"], child)
        elif kind == "scope":
            scopes.append(child)
    for child in scopes:
        owner = variables.get(nodes[child]["name"])
        if owner is not None and _serves_only(graph, child, owner):
            found[child] = owner
    return found


def _serves_only(graph: nx.DiGraph, scope: str, owner: str) -> bool:
    """Whether every variable under `scope` is an optimizer slot of `owner`."""
    nodes = graph._node
    if nodes[scope]["n_variables"] == 0:
        return True
    stack = [scope]
    while stack:
        for child in graph._succ[stack.pop()]:
            data = nodes[child]
            if data["kind"] == "scope":
                stack.append(child)
            elif data["kind"] == "variable" and data.get("slot_of") != owner:
                return False
    return True


def _mix(
    scope: dict[str, Any], table: dict[str, DeviceEntry], coloured: dict[str, str]
) -> list[dict[str, Any]] | None:
    """The scope's placements by short device name (coloured by the display's `colours`),
    in colour order, unplaced last; None when nothing in it is placed."""
    counts: defaultdict[str, int] = defaultdict(int)
    for name, n in scope["devices"].items():
        counts[table[name]["short"] if name in table else ""] += n
    if not any(counts.keys() - {""}):
        return None
    order = sorted(counts, key=lambda short: (short == "", short not in coloured, short))
    return [{"device": short, "count": counts[short]} for short in order]


def _mark(scope: dict[str, Any]) -> dict[str, str] | None:
    """`VS`, `NS` or `VS+NS`: how the scope was opened, as a badge."""
    opened = [
        (m, w)
        for m, w, on in (
            ("VS", "variable scope", scope["variable_scope"]),
            ("NS", "name scope", scope["name_scope"]),
        )
        if on
    ]
    if not opened:
        return None
    return {
        "text": "+".join(m for m, _ in opened),
        "kind": "mark",
        "title": " and ".join(w for _, w in opened),
    }


# What a variable's state badges are (`badges`), as every format writes them beside its
# name; a match's badges (`match_badges`) have their own column or colour.
STATE_KINDS = ("created", "reused", "existing", "slot")
NOT_TRAINABLE = "not trainable"  # a variable TF will not train (unknown: nothing said)


def state_texts(shown: dict[str, Any], node: str) -> list[str]:
    """A variable's state badges as text (`created`, `reused ×2`, `slot m`), from a
    display section (`shown`): what the text tree, Markdown and DOT write, as the widget."""
    return [b["text"] for b in node_badges(shown, node) if b["kind"] in STATE_KINDS]


def asked(node: Mapping[str, Any]) -> str | None:
    """`asked GPU:0` where TF placed a node elsewhere than it asked for, else None."""
    return f"asked {human.device(node['device_requested'])}" if devices.fell_back(node) else None


def placement(node: Mapping[str, Any]) -> str:
    """Where a node runs, as the text formats write it: `CPU:0`; `⚠ CPU:0 (asked GPU:0)`
    placed elsewhere than asked; `GPU:0 (requested)` not placed yet; "" neither."""
    if not node.get("device"):
        requested = node.get("device_requested")
        return f"{human.device(requested)} (requested)" if requested else ""
    fell_back = asked(node)
    placed = human.device(node["device"])
    return f"⚠ {placed} ({fell_back})" if fell_back else placed


def served_name(graph: nx.DiGraph, var: Mapping[str, Any]) -> str | None:
    """The name of the variable an optimizer slot serves, when it is in the report."""
    slot_of = var.get("slot_of")
    return graph.nodes[slot_of]["name"] if slot_of in graph else None


def badges(var: Mapping[str, Any], served: str | None) -> list[dict[str, str]]:
    """Created, reused ×N or existing; and an optimizer slot's variable."""
    out = []
    if var["created"]:
        out.append({"text": "created", "kind": "created", "title": "created during the recording"})
    if var["reuse_count"]:
        n = var["reuse_count"]
        out.append(
            {"text": f"reused ×{n}", "kind": "reused", "title": f"get_variable returned it {n}×"}
        )
    if var["created"] is False and not var["reuse_count"]:  # None: read from a file
        out.append(
            {"text": "existing", "kind": "existing", "title": "existed before the recording"}
        )
    if served is not None:
        slot = f"slot {var['slot']}" if var.get("slot") else "slot"
        out.append({"text": slot, "kind": "slot", "title": f"optimizer {slot} of {served}"})
    return out


def variable_facts(var: dict[str, Any], own_ops: int = 0) -> str:
    """E.g. `[5,5,1,32] · float32 · 800 params · 3.2 kB · random_normal · 9 ops`."""
    facts = [
        human.shape(var["shape"]),
        var["dtype"],
        human.params(var["params"]),
        human.size(var["bytes"]),
    ]
    if var.get("initializer"):
        facts.append(var["initializer"])
    if own_ops:
        facts.append(human.plural(own_ops, "op"))
    return " · ".join(facts)


LEVELS = ("error", "warning", "info")


def merged_diagnostics(diagnostics: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Diagnostics of one code as one entry with a count, its advice once and each
    diagnostic's own message and call lines; errors, warnings, infos, then as found."""
    merged: dict[str, dict[str, Any]] = {}
    for d in diagnostics:
        entry = merged.setdefault(
            d["code"],
            {"level": d["level"], "code": d["code"], "count": 0, "advice": None, "items": []},
        )
        entry["count"] += 1
        entry["advice"] = entry["advice"] or d.get("advice")
        entry["items"].append(
            {"message": d["message"], "nodes": d["nodes"], "sites": sites.call_lines(d["sites"])}
        )
    rank = {level: i for i, level in enumerate(LEVELS)}
    return sorted(merged.values(), key=lambda e: rank.get(e["level"], len(LEVELS)))


def functions(meta: dict[str, Any]) -> list[dict[str, Any]]:
    """Each traced function that ran and reads variables, with their names (a trace TF
    never ran is kept out of sight, as its ops are)."""
    return [
        {"name": g["name"], "reads": g["reads"]}
        for g in meta.get("graphs", ())
        if g.get("kind") == "function" and g.get("reads") and g.get("ran", True)
    ]


def display(
    graph: nx.DiGraph, meta: dict[str, Any], diagnostics: list[dict[str, Any]]
) -> dict[str, Any]:
    """The document's `display` section."""
    table = device_table(graph)
    coloured = colours(table)
    owned = owners(graph)
    own_ops = {var: graph.nodes[scope]["n_ops"] for scope, var in owned.items()}
    matched = meta.get("match") is not None
    scope_state = scope_states(graph) if matched else {}
    # Each distinct badge and call line once, by its place in the table (in order of
    # first use), as nodes refer to it.
    shown_badges: dict[tuple[str, str, str], int] = {}
    shown_sites: dict[tuple[str, str, int | None, str], int] = {}

    def badge(b: dict[str, str]) -> int:
        return shown_badges.setdefault((b["text"], b["kind"], b["title"]), len(shown_badges))

    def site(line: dict[str, Any]) -> int:
        key = (line["text"], line["site"]["file"], line["site"]["line"], line["site"]["kind"])
        return shown_sites.setdefault(key, len(shown_sites))

    nodes: dict[str, dict[str, Any]] = {}
    for node, data in graph.nodes(data=True):
        kind = data["kind"]
        entry: dict[str, Any] = {}
        if kind == "scope":
            entry["facts"] = human.scope_totals(data)
            if mark := _mark(data):
                entry["mark"] = badge(mark)
            if mix := _mix(data, table, coloured):
                entry["mix"] = mix
            if node in owned:
                entry["owner"] = owned[node]
            if node in scope_state:
                entry["colour"] = MATCH_STATES[scope_state[node]][0]
            if data["name"] == NEVER_RAN:
                entry["never_ran"] = True
        elif kind == "variable":
            entry["facts"] = variable_facts(data, own_ops.get(node, 0))
            state = data.get("match")
            more = match_badges(state) if state else []
            # A match's badges first: a narrow row keeps them when it drops the others.
            entry["badges"] = [badge(b) for b in more + badges(data, served_name(graph, data))]
            entry["sites"] = [site(line) for line in sites.call_lines(data.get("sites") or [])]
            if state:
                entry["colour"] = MATCH_STATES[state["state"]][0]
        elif "outputs" in data:  # a recorded op (1.4): its outputs and FLOPs (1.5: time)
            facts = [human.output_facts(data["outputs"], data["flops"])]
            entry["facts"] = " · ".join(facts + human.measured_cost(data))
        if kind != "scope" and devices.fell_back(data):
            entry["fallback"] = True
        if entry:
            nodes[node] = entry
    counts = summary_section(graph, meta, diagnostics)
    return {
        "summary": counts,
        "card": card(counts, meta, counts["line"]),
        "heading": heading(meta),
        "devices": table,
        "colours": {**coloured, "": UNPLACED_COLOUR},
        "nodes": nodes,
        "badges": [dict(zip(("text", "kind", "title"), key, strict=True)) for key in shown_badges],
        "sites": [
            {"text": text, "site": {"file": file, "line": line, "kind": kind}}
            for text, file, line, kind in shown_sites
        ],
        "diagnostics": merged_diagnostics(diagnostics),
        "functions": functions(meta),
        "sorts": controls.sorts(graph),
        "filters": controls.filters(graph, diagnostics, matched),
        **({"time": timed} if (timed := where_the_time_goes(graph)) else {}),
    }


TIME_LIST = 10  # scopes in "where the time goes"


def where_the_time_goes(graph: nx.DiGraph) -> list[dict[str, Any]]:
    """The scopes whose own ops (not their sub-scopes') took the most measured time, most
    first: each scope's `id`, `name`, its own µs (`micros`), its total with sub-scopes
    (`total`), its own share of all measured time (`share`, 0..1) and the line shown
    (`text`). Empty where nothing was measured (the section then has no `time`)."""
    nodes = graph._node.items()  # networkx's own dict: no view
    first = next((data for _, data in nodes if data["kind"] == "scope"), None)
    if first is None or not first.get("micros"):
        return []  # not profiled: no pass over all the nodes
    scopes = [(node, data) for node, data in nodes if data["kind"] == "scope"]
    everything = scopes[0][1]["micros"]
    own = []
    for node, data in scopes:
        if data.get("micros") is None or data["name"] == NEVER_RAN:
            continue
        below = sum(
            graph.nodes[child].get("micros") or 0
            for child in graph.successors(node)
            if graph.nodes[child]["kind"] == "scope"
        )
        if (mine := round(data["micros"] - below, 3)) > 0:
            own.append((mine, node, data))
    own.sort(key=lambda entry: (-entry[0], entry[2]["name"]))
    return [
        {
            "id": node,
            "name": data["name"] or "(top level)",
            "micros": mine,
            "total": data["micros"],
            "share": round(mine / everything, 4),
            "text": f"{data['name'] or '(top level)'} · {human.duration(mine)} · "
            f"{mine / everything:.0%}",
        }
        for mine, node, data in own[:TIME_LIST]
    ]
