"""`text/plain`: the report as an indented tree with badges, for terminals.

It is written line by line as the tree is walked (`lines`), from the functions the
display section is made of (`section.py`) but without making that section: the CLI
prints a report of 10^6 variables without holding its display or its whole text.
A notebook saves an output's `text/plain` beside the packed document, so there the text
is capped, as pandas caps a DataFrame's repr: the summary, the diagnostics and the top
of the tree, then how many lines were left out. `jupyter-scope show` prints it whole.
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import networkx as nx

from jupyter_scope.model import sites
from jupyter_scope.present import human, section
from jupyter_scope.present.tree import ScopeNode, relative_names, scope_tree

if TYPE_CHECKING:
    from jupyter_scope.model.report import ScopeReport

INDENT = "  "
LEVEL_MARKS = {"error": "✖", "warning": "⚠", "info": "ℹ"}
# Lines a notebook's `text/plain` keeps (tf-slim inception_v3 + Adam's whole tree is
# ~4,000 lines, 290 kB); the tree in full is in the report's JSON, which the widget shows.
SHOWN_LINES = 100


def variable_line(var: dict[str, Any], label: str, graph: nx.DiGraph, own_ops: int = 0) -> str:
    """E.g. `weights [5,5,32,32] float32 created reused ×1 random_normal @ CPU:0 (9 ops)`:
    its state badges as the display's (`section.state_texts`), without a match's."""
    states = [b["text"] for b in section.badges(var, section.served_name(graph, var))]
    parts = [label, human.shape(var["shape"]), var["dtype"], *states]
    if var["trainable"] is False:  # None: not known (loaded from a file)
        parts.append(section.NOT_TRAINABLE)
    if var["params"]:
        parts.append(human.params(var["params"]))
    if var["initializer"]:
        parts.append(var["initializer"])
    if where := section.placement(var):
        parts.append(f"@ {where}")
    if own_ops:
        parts.append(f"({human.plural(own_ops, 'op')})")
    return " ".join(parts)


def scope_line(tree: ScopeNode) -> str:
    return f"{tree.label}/  {tree.kind} · {human.scope_totals(tree.scope)}"


def ops_line(ops: dict[str, list[str]]) -> str:
    return "ops: " + ", ".join(f"{op_type} ×{len(group)}" for op_type, group in ops.items())


def diagnostic_lines(merged: dict[str, Any]) -> list[str]:
    """One code's diagnostics (`display.diagnostics`): its mark, code and count, each
    message, then the advice once."""
    head = f"{LEVEL_MARKS.get(merged['level'], merged['level'])} {merged['code']}"
    items = [item["message"] for item in merged["items"]]
    if merged["count"] == 1:
        lines = [f"{head}: {items[0]}"]
    else:
        lines = [f"{head} ×{merged['count']}", *(f"{INDENT}- {message}" for message in items)]
    if merged["advice"]:
        lines.append(INDENT + merged["advice"])
    return lines


# Variables of a scope written at a time: a scope of 10^6 variables is not held whole.
CHUNK = 10_000


class _Tree:
    """The scope tree's lines, written from what each distinct value reads as.

    Of 10^6 variables most share their shape, dtype, states, initializer, placement and
    call lines: what follows a variable's name (the rest of its `variable_line`, then its
    call lines, `sites.call_lines`) is written and escaped (`human.visible`) once for each
    distinct value of `line_key` at each depth. A line is then its indent, its name and
    what was written. A class, not closures: the walk leaves no reference cycle
    (`tree._Walk`).
    """

    def __init__(self, graph: nx.DiGraph, unfold: bool) -> None:
        self.graph = graph
        self.nodes = graph._node  # networkx's own dict: its view costs ~1 µs a lookup
        self.unfold = unfold
        # indent → `line_key` → (the rest of the line, the call lines under it)
        self.written: dict[str, dict[tuple[Any, ...], tuple[str, list[str]]]] = {}

    def write(self, var: dict[str, Any], own_ops: int, pad: str) -> tuple[str, list[str]]:
        """What follows the variable's name, escaped: ` [5,5] float32 created @ CPU:0`,
        then its call lines indented under it, `  ↳ create at In [3]:9`."""
        line = human.visible(variable_line(var, "", self.graph, own_ops))
        calls = sites.call_lines(var.get("sites") or [])  # the display's `sites`
        return line, [human.visible(f"{pad}{INDENT}↳ {call['text']}") for call in calls]

    def chunks(self, tree: ScopeNode, depth: int, slots_only: bool = False) -> Iterator[list[str]]:
        """The lines under `tree`, a list at a time; scopes with ops only stay folded to one
        line unless unfolded. A variable's own scope is told inside its line and shown below
        it: its call lines, its optimizer slots, and (unfolded) its ops; `slots_only` keeps
        just the slots."""
        pad = INDENT * depth
        scope = tree.scope["name"]
        own = tree.own_ops()
        graph, nodes = self.graph, self.nodes
        written = self.written.setdefault(pad, {})
        out: list[str] = []
        for start in range(0, len(tree.variables), CHUNK):  # a scope of 10^6 in parts
            variables = [nodes[v] for v in tree.variables[start : start + CHUNK]]  # no copies
            labels = relative_names([var["name"] for var in variables], scope)
            if human.visible(whole := "".join(labels)) != whole:  # a name to escape: each alone
                labels = list(map(human.visible, labels))
            for var, label in zip(variables, labels, strict=True):
                if slots_only and var.get("component_of"):
                    continue  # a replica's part, told with its variable's ops
                ops = own.get(var["name"]) if own else None
                n_ops = ops.scope["n_ops"] if ops else 0
                key = line_key(graph, var, n_ops)
                rest = written.get(key)
                if rest is None:
                    rest = written[key] = self.write(var, n_ops, pad)
                out.append(f"{pad}{label}{rest[0]}")
                out.extend(rest[1])
                if ops:
                    yield out
                    out = []
                    yield from self.chunks(ops, depth + 1, slots_only=not self.unfold)
            yield out
            out = []
        if not slots_only:
            if tree.ops:
                out.append(human.visible(pad + ops_line(tree.ops)))
            for sub in tree.scopes:
                if sub.scope["name"] in own:
                    continue
                out.append(human.visible(pad + scope_line(sub)))
                if self.unfold or not sub.ops_only:
                    yield out
                    out = []
                    yield from self.chunks(sub, depth + 1)
        yield out


# What `variable_line` reads that every variable has (`model/nodes.py`), in one call
_HELD = operator.itemgetter("dtype", "created", "reuse_count", "trainable", "params", "initializer")


def line_key(graph: nx.DiGraph, var: Mapping[str, Any], own_ops: int) -> tuple[Any, ...]:
    """Every value `variable_line` and `sites.call_lines` read of a variable besides its
    name (`test_show_text` holds it to that): two variables with the same key print the
    same after their names."""
    shape = var["shape"]
    slot_of = var.get("slot_of")
    return (
        None if shape is None else tuple(shape),
        _HELD(var),
        var.get("device"),
        var.get("device_requested"),
        var.get("colocated"),
        var.get("slot"),
        None if slot_of is None else section.served_name(graph, var),
        own_ops,
        calls_key(var.get("sites") or []),
    )


def calls_key(found: list[dict[str, Any]]) -> tuple[Any, ...]:
    """Every value `sites.call_lines` reads of a variable's sites."""
    return tuple(map(_site_key, found))


def _site_key(s: dict[str, Any]) -> tuple[Any, ...]:
    callers = s.get("callers")
    frames = tuple((c["file"], c.get("line")) for c in callers) if callers else None
    return (s["kind"], s["file"], s.get("line"), frames)


def lines(report: ScopeReport, pattern: re.Pattern[str] | None = None) -> Iterator[str]:
    """The summary, the diagnostics, then the scope tree, a line at a time; with
    `pattern`, only what matches, all unfolded. The tree's walk counts the summary
    (`section.Counts`), when it reaches every node (a report's tree does)."""
    graph = report.graph
    counts = section.Counts()
    tree = scope_tree(report, pattern, counts)
    counted = counts if counts.seen == graph.number_of_nodes() else None
    found = [section.summary_section(graph, report.meta, report.diagnostics, counted)["line"]]
    if report.error:
        found.append(f"✖ the block raised {report.error['type']}: {report.error['message']}")
    for merged in section.merged_diagnostics(report.diagnostics):
        found.extend(diagnostic_lines(merged))
    if timed := section.where_the_time_goes(graph):  # 1.5, a profiled report
        found.append("where the time goes: " + "; ".join(entry["text"] for entry in timed))
    if tree.empty:
        found.append(f"(nothing matches {pattern.pattern!r})" if pattern else "(no scopes)")
    chunks = _Tree(graph, pattern is not None).chunks(tree, 0)
    return itertools.chain(map(human.visible, found), itertools.chain.from_iterable(chunks))


def render(
    report: ScopeReport, pattern: re.Pattern[str] | None = None, limit: int | None = SHOWN_LINES
) -> str:
    """`lines` joined. Past `limit` lines (None: no limit), the rest is told as its count."""
    found = list(lines(report, pattern))
    if limit is not None and len(found) > limit:
        # `limit` lines in all, the last telling how many more there are
        more = len(found) - limit + 1
        shown_whole = "the widget and `jupyter-scope show FILE` show the whole tree"
        found[limit - 1 :] = [human.visible(f"… {human.plural(more, 'more line')} ({shown_whole})")]
    return "\n".join(found)
