"""`text/html`: a static collapsible tree (`<details>`, no script) for nbviewer and GitHub.

Styles are inline because those viewers drop `<style>` blocks. Every string from the
report goes through `escape` (`human.html_text`): control and bidi characters shown
escaped, then HTML-escaped.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from jupyter_scope.present import human, section
from jupyter_scope.present.tree import ScopeNode, relative_name, scope_tree

if TYPE_CHECKING:
    from jupyter_scope.model.report import ScopeReport

OPEN_DEPTH = 2  # scopes shallower than this start expanded, unless they hold only ops
OPS_LISTED = 20  # op names listed per op type and scope; the rest are counted
OP_NAMES_LISTED = 1000  # op names listed in the whole tree
LEVEL_COLOURS = {"error": "#c62828", "warning": "#ef6c00", "info": "#1565c0"}
MUTED = "color:#777"
MUTED_COLOUR = "#757575"
BADGE_COLOURS = {"created": "#2e7d32", "reused": "#6a1b9a"}  # by a state badge's first word
escape = human.html_text


def badge(text: str, colour: str) -> str:
    return (
        f'<span style="background:{colour};color:#fff;border-radius:3px;'
        f'padding:0 4px;font-size:85%">{escape(text)}</span>'
    )


def fallback_badge(node: dict[str, Any]) -> str:
    fell_back = section.asked(node)
    return badge(fell_back, LEVEL_COLOURS["warning"]) if fell_back else ""


class StaticTree:
    """The `<details>` tree of one report. Op names are listed up to a budget for the
    whole tree, so a graph of 100,000 ops still gives a page a notebook can hold."""

    def __init__(self, report: ScopeReport, levels: int | None = None) -> None:
        self.colours = section.colours(report.display["devices"])
        self.shown = report.display
        self.levels = levels
        self.op_names_left = OP_NAMES_LISTED if levels is None else OPS_LISTED

    def device_chip(self, node: dict[str, Any]) -> str:
        name = human.node_device(node)
        return " ".join(
            p for p in (badge(name, self.colours[name]) if name else "", fallback_badge(node)) if p
        )

    def variable_item(
        self, var: dict[str, Any], label: str, ops: ScopeNode | None, depth: int
    ) -> str:
        """A variable's line, and inside it, folded, the scope of its own ops if any."""
        parts = [
            f"<code>{escape(label)}</code>",
            escape(human.shape(var["shape"])),
            escape(var["dtype"]),
        ]
        parts.extend(
            badge(text, BADGE_COLOURS.get(text.split()[0], MUTED_COLOUR))
            for text in section.state_texts(self.shown, var["id"])
        )
        if var["trainable"] is False:  # None: not known (loaded from a file)
            parts.append(badge(section.NOT_TRAINABLE, MUTED_COLOUR))
        details = [human.params(var["params"]), human.size(var["bytes"])]
        if var["initializer"]:
            details.append(var["initializer"])
        parts.append(f'<span style="{MUTED}">{escape(" · ".join(details))}</span>')
        parts.append(self.device_chip(var))
        sites = "\n".join(line["text"] for line in section.node_sites(self.shown, var["id"]))
        inside = ""
        if ops and self.opens(depth):
            held = [human.plural(len(ops.variables), "slot")] if ops.variables else []
            held += [human.plural(ops.scope["n_ops"], "op")] if ops.scope["n_ops"] else []
            summary = escape(" · ".join(held))
            inside = f"<details><summary>{summary}</summary>{self.children(ops, depth)}</details>"
        return f'<li title="{escape(sites)}">{" ".join(p for p in parts if p)}{inside}</li>'

    def op_names(self, tree: ScopeNode, group: list[str]) -> str:
        listed = group[: min(OPS_LISTED, self.op_names_left)]
        self.op_names_left -= len(listed)
        names = [
            f"<code>{escape(op['name'])}</code>{fallback_badge(op)}"
            for op in tree.op_fields(listed)
        ]
        if len(group) > len(listed):
            names.append(f"… {len(group) - len(listed)} more")
        return ", ".join(names)

    def ops_block(self, tree: ScopeNode) -> str:
        ops = tree.ops
        n_ops = sum(len(group) for group in ops.values())
        head = ", ".join(f"{op_type} ×{len(group)}" for op_type, group in ops.items())
        items = "".join(
            f"<li><b>{escape(op_type)} ×{len(group)}</b>: {self.op_names(tree, group)}</li>"
            for op_type, group in ops.items()
        )
        return (
            f"<li><details><summary>{human.plural(n_ops, 'op')}: {escape(head)}</summary>"
            f"<ul>{items}</ul></details></li>"
        )

    def scope_block(self, tree: ScopeNode, depth: int) -> str:
        totals = f"{tree.kind} · {human.scope_totals(tree.scope)}"
        summary = f'<b>{escape(tree.label)}/</b> <span style="{MUTED}">{escape(totals)}</span>'
        if not self.opens(depth):
            return f"<li>{summary}</li>"
        opened = " open" if depth < OPEN_DEPTH and not tree.ops_only else ""
        return (
            f"<li><details{opened}><summary>{summary}</summary>"
            f"{self.children(tree, depth + 1)}</details></li>"
        )

    def opens(self, depth: int) -> bool:
        """Whether a scope at `depth` shows what it holds (the top `levels` only, if set)."""
        return self.levels is None or depth < self.levels

    def children(self, tree: ScopeNode, depth: int) -> str:
        scope = tree.scope["name"]
        own = tree.own_ops()
        items = [
            self.variable_item(v, relative_name(v["name"], scope), own.get(v["name"]), depth + 1)
            for v in tree.variable_fields()
        ]
        if tree.ops:
            items.append(self.ops_block(tree))
        items.extend(
            self.scope_block(sub, depth) for sub in tree.scopes if sub.scope["name"] not in own
        )
        return f'<ul style="list-style:none;padding-left:1.2em;margin:0">{"".join(items)}</ul>'


def diagnostic_item(merged: dict[str, Any]) -> str:
    """One code's diagnostics (`display.diagnostics`): count, advice, messages folded."""
    colour = LEVEL_COLOURS.get(merged["level"], "#555")
    count = f" ×{merged['count']}" if merged["count"] > 1 else ""
    head = f"{badge(merged['level'], colour)} <code>{escape(merged['code'])}</code>{count}"
    if merged["advice"]:
        head += f' <span style="{MUTED}">{escape(merged["advice"])}</span>'
    items = "".join(f"<li>{escape(item['message'])}</li>" for item in merged["items"])
    opened = " open" if merged["count"] == 1 else ""  # a repeated code's list starts folded
    return f"<li><details{opened}><summary>{head}</summary><ul>{items}</ul></details></li>"


def render(
    report: ScopeReport, pattern: re.Pattern[str] | None = None, *, levels: int | None = None
) -> str:
    """The summary, the diagnostics, then the collapsible scope tree (with `pattern`, only
    the scopes and nodes whose names match, with their ancestors; with `levels`, what the
    top `levels` of scopes hold, deeper scopes by their totals)."""
    parts = [f"<p><b>Scopes:</b> {escape(report.display['summary']['line'])}</p>"]
    if report.error:
        parts.append(
            f"<p>{badge('raised', LEVEL_COLOURS['error'])} "
            f"{escape(report.error['type'])}: {escape(report.error['message'])}</p>"
        )
    if merged := report.display["diagnostics"]:
        items = "".join(diagnostic_item(d) for d in merged)
        parts.append(f'<ul style="list-style:none;padding-left:0">{items}</ul>')
    if timed := report.display.get("time"):  # 1.5, a profiled report
        listed = "".join(f"<li>{escape(entry['text'])}</li>" for entry in timed)
        parts.append(f"<p><b>Where the time goes:</b></p><ol>{listed}</ol>")
    parts.append(StaticTree(report, levels).children(scope_tree(report, pattern), 0))
    if levels is not None:
        parts.append(
            f'<p style="{MUTED}">The full tree: open the notebook in JupyterLab with '
            "jupyter-scope, or export the report.</p>"
        )
    return f'<div class="jupyter-scope-static">{"".join(parts)}</div>'
