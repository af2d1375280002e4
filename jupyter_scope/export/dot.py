"""`dot`: a Graphviz drawing: one cluster per scope, nodes filled with their device's colour.

Variables are boxes, ops (with `ops=True`) ellipses; `reads` and `input` edges join them.
A node's label is its name below its scope; its tooltip, its full name and device.
A node placed elsewhere than it asked for gets a red border. In a match's tree, variables
are filled with their match state's colour instead. Render with `dot -Tsvg`.
"""

from __future__ import annotations

from typing import Any

from jupyter_scope.model import devices
from jupyter_scope.model.report import ScopeReport
from jupyter_scope.present import human, section
from jupyter_scope.present.tree import ScopeNode, relative_name, scope_tree

FALLBACK_BORDER = 'color="#c62828", penwidth=2'


def quote(text: str) -> str:
    """A DOT string literal; newlines become the `\\n` line breaks of labels."""
    escaped = (
        human.visible(text, keep="\n")
        .replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
    )
    return f'"{escaped}"'


def node_statement(node: dict[str, Any], label: str, fills: dict[str, str]) -> str:
    tooltip = f"{node['name']}\n{human.node_device(node) or 'not placed'}"
    attributes = [
        f"label={quote(label)}",
        f'fillcolor="{fills[node["id"]]}"',
        f"tooltip={quote(tooltip)}",
    ]
    if node["kind"] == "op":
        attributes.append("shape=ellipse")
    if devices.fell_back(node):
        attributes.append(FALLBACK_BORDER)
    return f"{quote(node['id'])} [{', '.join(attributes)}];"


def variable_label(var: dict[str, Any], scope: str, display: dict[str, Any]) -> str:
    """Name, shape and dtype, and the state badges every format shows (`section`)."""
    lines = [relative_name(var["name"], scope), f"{human.shape(var['shape'])} {var['dtype']}"]
    if states := section.state_texts(display, var["id"]):
        lines.append(" ".join(states))
    return "\n".join(lines)


def has_content(tree: ScopeNode, ops: bool) -> bool:
    return bool(
        tree.variables or (ops and tree.ops) or any(has_content(s, ops) for s in tree.scopes)
    )


def body(
    tree: ScopeNode, ops: bool, fills: dict[str, str], indent: str, display: dict[str, Any]
) -> list[str]:
    scope = tree.scope["name"]
    lines = [
        indent + node_statement(v, variable_label(v, scope, display), fills)
        for v in tree.variable_fields()
    ]
    if ops:
        lines.extend(
            indent + node_statement(op, f"{relative_name(op['name'], scope)}\n{op['type']}", fills)
            for group in tree.ops.values()
            for op in tree.op_fields(group)
        )
    for sub in tree.scopes:
        if has_content(sub, ops):
            lines.append(f"{indent}subgraph {quote('cluster_' + sub.scope['id'])} {{")
            lines.append(f"{indent}  label={quote(sub.label + '/')};")
            lines.extend(body(sub, ops, fills, indent + "  ", display))
            lines.append(indent + "}")
    return lines


def legend(title: str, entries: list[tuple[str, str]]) -> list[str]:
    lines = ['  subgraph "cluster_legend" {', f"    label={quote(title)}; style=dashed;"]
    lines.extend(
        f'    {quote("legend:" + name)} [label={quote(name)}, fillcolor="{colour}"];'
        for name, colour in entries
    )
    return [*lines, "  }"]


def render(report: ScopeReport, *, ops: bool = False) -> str:
    """The scope clusters with their variables and, when `ops`, their ops and op edges."""
    colours = section.colours(report.display["devices"])
    shown = report.display["nodes"]
    fills = {  # a match state's colour, else the device's
        node: shown.get(node, {}).get("colour")
        or colours.get(human.node_device(data), section.UNPLACED_COLOUR)
        for node, data in report.graph.nodes(data=True)
        if data["kind"] != "scope"
    }
    kinds = {"reads", "input"} if ops else set()
    edges = [
        f"  {quote(u)} -> {quote(v)}{' [style=dashed]' if kind == 'reads' else ''};"
        for u, v, kind in report.graph.edges(data="kind")
        if kind in kinds
    ]
    return "\n".join(
        [
            "digraph scopes {",
            f"  graph [rankdir=LR, fontname=Helvetica, labelloc=t, "
            f"label={quote(report.display['summary']['line'])}];",
            '  node [fontname=Helvetica, fontsize=10, shape=box, style="filled,rounded"];',
            '  edge [color="#888888"];',
            *body(scope_tree(report), ops, fills, "  ", report.display),
            *(
                legend("match", [(s, c) for s, (c, _) in section.MATCH_STATES.items()])
                if report.meta.get("match")
                else legend("devices", [*colours.items(), ("not placed", section.UNPLACED_COLOUR)])
            ),
            *edges,
            "}",
            "",
        ]
    )
