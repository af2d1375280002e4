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
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import networkx as nx

from jupyter_scope.model import sites
from jupyter_scope.present import human, section
from jupyter_scope.present.tree import ScopeNode, relative_name, scope_tree

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


def tree_lines(
    tree: ScopeNode, depth: int, unfold: bool, graph: nx.DiGraph, slots_only: bool = False
) -> Iterator[str]:
    """The lines under `tree`; scopes with ops only stay folded to one line unless `unfold`.
    A variable's own scope is told inside its line and shown below it: its call lines, its
    optimizer slots, and (unfolded) its ops; `slots_only` keeps just the slots."""
    pad = INDENT * depth
    scope = tree.scope["name"]
    own = tree.own_ops()
    for var in map(tree.nodes.__getitem__, tree.variables):  # the graph's own: no copies
        if slots_only and var.get("component_of"):
            continue  # a replica's part, told with its variable's ops
        ops = own.get(var["name"])
        n_ops = ops.scope["n_ops"] if ops else 0
        yield pad + variable_line(var, relative_name(var["name"], scope), graph, n_ops)
        for line in sites.call_lines(var.get("sites") or []):  # the display's `sites`
            yield f"{pad}{INDENT}↳ {line['text']}"
        if ops:
            yield from tree_lines(ops, depth + 1, unfold, graph, slots_only=not unfold)
    if slots_only:
        return
    if tree.ops:
        yield pad + ops_line(tree.ops)
    for sub in tree.scopes:
        if sub.scope["name"] in own:
            continue
        yield pad + scope_line(sub)
        if unfold or not sub.ops_only:
            yield from tree_lines(sub, depth + 1, unfold, graph)


def lines(report: ScopeReport, pattern: re.Pattern[str] | None = None) -> Iterator[str]:
    """The summary, the diagnostics, then the scope tree, a line at a time; with
    `pattern`, only what matches, all unfolded."""
    graph = report.graph
    found = [section.summary_section(graph, report.meta, report.diagnostics)["line"]]
    if report.error:
        found.append(f"✖ the block raised {report.error['type']}: {report.error['message']}")
    for merged in section.merged_diagnostics(report.diagnostics):
        found.extend(diagnostic_lines(merged))
    if timed := section.where_the_time_goes(graph):  # 1.5, a profiled report
        found.append("where the time goes: " + "; ".join(entry["text"] for entry in timed))
    tree = scope_tree(report, pattern)
    if tree.empty:
        found.append(f"(nothing matches {pattern.pattern!r})" if pattern else "(no scopes)")
    for line in itertools.chain(found, tree_lines(tree, 0, pattern is not None, graph)):
        yield human.visible(line)


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
