"""`md`: a summary, the diagnostics, the variables and the per-scope totals as GitHub
Markdown tables, fit for pasting into a pull request. Long tables fold into `<details>`."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from jupyter_scope.model.report import ScopeReport
from jupyter_scope.model.roles import ROLES
from jupyter_scope.present import human, section

FOLD_ROWS = 25  # tables longer than this are folded


LINE_BREAKS = re.compile("[\r\n\u2028\u2029]")
BACKTICKS = re.compile("`+")


def cell(text: str) -> str:
    """Plain text made safe for a table cell: no HTML, no column breaks, one line."""
    text = human.visible(LINE_BREAKS.sub(" ", text))
    return html.escape(text, quote=False).replace("\\", "\\\\").replace("|", "\\|")


def code(text: str) -> str:
    """A code span, fenced by more backticks than any run inside it so that none can end
    it (and HTML in it stays text); only `|` needs escaping (GitHub splits cells first)."""
    text = human.visible(LINE_BREAKS.sub(" ", text))
    body = text.replace("|", "\\|")
    if "`" not in text:
        return f"`{body}`"
    fence = "`" * (max(len(run) for run in BACKTICKS.findall(text)) + 1)
    return f"{fence} {body} {fence}"


def table(title: str, header: list[str], rows: list[list[str]]) -> list[str]:
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(" --- " for _ in header) + "|",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]
    if len(rows) <= FOLD_ROWS:
        return [f"### {title}", "", *lines, ""]
    return [
        f"### {title}",
        "",
        f"<details><summary>{len(rows)} rows</summary>",
        "",
        *lines,
        "",
        "</details>",
        "",
    ]


def diagnostic(merged: dict[str, Any]) -> list[str]:
    """One code's diagnostics: level, code, count and advice once, the messages below (a
    repeated code's folded)."""
    head = f"**{merged['level']}** {code(merged['code'])}"
    messages = [cell(item["message"]) for item in merged["items"]]
    if merged["count"] == 1:
        head += f": {messages[0]}"
    else:
        head += f" ×{merged['count']}"
    if merged["advice"]:
        head += f" — {cell(merged['advice'])}"
    if merged["count"] == 1:
        return [head, ""]
    return [
        head,
        "",
        f"<details><summary>{merged['count']} diagnostics</summary>",
        "",
        *(f"- {message}" for message in messages),
        "",
        "</details>",
        "",
    ]


def about(meta: dict[str, Any]) -> str:
    devices = ", ".join(human.device(d["name"]) for d in meta["devices"]) or "none"
    parts = [
        f"TensorFlow {meta['tf_version']}",
        f"{meta['mode']} mode",
        f"recorded in {meta['wall_time']:.2f} s",
        f"devices: {devices}",
    ]
    if meta.get("error"):
        parts.append(f"the block raised {meta['error']['type']}: {meta['error']['message']}")
    return cell(" · ".join(parts))


def _measured(scope: Mapping[str, Any]) -> list[str]:
    """A scope's measured time and peak bytes: empty where none of its ops was measured."""
    micros, peak = scope.get("micros"), scope.get("peak_bytes")
    return [
        "" if micros is None else human.duration(micros),
        "" if peak is None else human.size(peak),
    ]


def render(report: ScopeReport) -> str:
    lines = [
        "## Scope report",
        "",
        f"**{cell(report.display['summary']['line'])}**",
        "",
        about(report.meta),
        "",
    ]
    if merged := report.display["diagnostics"]:
        lines += ["### Diagnostics", ""]
        for entry in merged:
            lines += diagnostic(entry)
    shown = report.display
    if timed := shown.get("time"):  # 1.5, a profiled report
        lines += ["### Where the time goes", ""]
        lines += [f"{i}. {cell(entry['text'])}" for i, entry in enumerate(timed, 1)] + [""]
    profiled = "profile" in report.meta
    matched = bool(report.meta.get("match"))  # a match's tree: a column for the state
    lines += table(
        "Variables",
        [
            "name",
            *(["match"] if matched else []),
            "shape",
            "dtype",
            "params",
            "role",
            "created / reused",
            "device",
            "where",
        ],
        [
            [
                code(v["name"]),
                *([cell(section.match_text(shown, v["id"]))] if matched else []),
                human.shape(v["shape"]),
                cell(v["dtype"]),
                f"{v['params']:,}",
                human.role(v),
                ", ".join(section.state_texts(shown, v["id"])),
                cell(section.placement(v)),
                cell("; ".join(c["text"] for c in section.node_sites(shown, v["id"]))),
            ]
            for v in report.variables
        ],
    )
    lines += table(
        "Scopes",
        [
            "scope",
            "variables",
            *(human.ROLE_NAMES),
            "bytes",
            "ops",
            "FLOPs",
            "memory",
            *(["time", "peak"] if profiled else []),
            "devices",
        ],
        [
            [
                code(s["name"]),
                str(s["n_variables"]),
                *(f"{s.get(f'params_{whose}', 0):,}" for whose in ROLES),
                human.size(s["bytes"]),
                str(s["n_ops"]),
                human.flops(s["flops"]).removesuffix(" FLOPs") if "flops" in s else "",
                human.size(s["memory_bytes"]) if "memory_bytes" in s else "",
                *(_measured(s) if profiled else []),
                cell(
                    ", ".join(
                        f"{human.device(d) or 'not placed'} ×{n}" for d, n in s["devices"].items()
                    )
                ),
            ]
            for s in report.scopes
            if s["name"]
        ],
    )
    return "\n".join(lines)
