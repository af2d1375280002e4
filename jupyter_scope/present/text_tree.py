"""`text/plain`: the report as an indented tree with badges, for terminals."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from jupyter_scope.present import human, section
from jupyter_scope.present.tree import ScopeNode, relative_name, scope_tree

if TYPE_CHECKING:
    from jupyter_scope.model.report import ScopeReport

INDENT = "  "
LEVEL_MARKS = {"error": "✖", "warning": "⚠", "info": "ℹ"}


def variable_line(var: dict[str, Any], label: str, shown: dict[str, Any], own_ops: int = 0) -> str:
    """E.g. `weights [5,5,32,32] float32 created reused ×1 random_normal @ CPU:0 (9 ops)`."""
    parts = [label, human.shape(var["shape"]), var["dtype"], *section.state_texts(shown, var["id"])]
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


def tree_lines(tree: ScopeNode, depth: int, unfold: bool, shown: dict[str, Any]) -> list[str]:
    """The lines under `tree`; scopes with ops only stay folded to one line unless `unfold`,
    and a variable's own ops scope is told inside its line, its call lines below it."""
    pad = INDENT * depth
    scope = tree.scope["name"]
    own = tree.own_ops()
    lines = []
    for var in tree.variables:
        ops = own.get(var["name"])
        n_ops = ops.scope["n_ops"] if ops else 0
        lines.append(pad + variable_line(var, relative_name(var["name"], scope), shown, n_ops))
        calls = section.node_sites(shown, var["id"])
        lines.extend(f"{pad}{INDENT}↳ {line['text']}" for line in calls)
        if ops and unfold:
            lines.extend(tree_lines(ops, depth + 1, unfold, shown))
    if tree.ops:
        lines.append(pad + ops_line(tree.ops))
    for sub in tree.scopes:
        if sub.scope["name"] in own:
            continue
        lines.append(pad + scope_line(sub))
        if unfold or not sub.ops_only:
            lines.extend(tree_lines(sub, depth + 1, unfold, shown))
    return lines


def render(report: ScopeReport, pattern: re.Pattern[str] | None = None) -> str:
    """The summary, the diagnostics, then the scope tree; with `pattern`, only what matches,
    all unfolded."""
    lines = [report.display["summary"]["line"]]
    if report.error:
        lines.append(f"✖ the block raised {report.error['type']}: {report.error['message']}")
    for merged in report.display["diagnostics"]:
        lines.extend(diagnostic_lines(merged))
    if timed := report.display.get("time"):  # 1.5, a profiled report
        lines.append("where the time goes: " + "; ".join(entry["text"] for entry in timed))
    tree = scope_tree(report, pattern)
    if tree.empty:
        lines.append(f"(nothing matches {pattern.pattern!r})" if pattern else "(no scopes)")
    lines.extend(tree_lines(tree, 0, pattern is not None, report.display))
    return "\n".join(human.visible(line) for line in lines)
