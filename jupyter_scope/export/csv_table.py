"""`csv`: one row per variable, and with `ops=True` one row per op after them.

`kind` tells the rows apart; a column a row's kind lacks is empty (an op's `flops`,
`micros` and `peak_bytes`: empty where unknown or not measured). `sites` holds a
variable's call lines (`reuse ×2 at In [3]:4 ← In [3]:9`), `; ` between them. Shapes are JSON lists
(`[5, 5, null]`), so a reader can parse them back. Rows end in CRLF (RFC 4180); read the
file with `newline=""`, as the `csv` module asks, to get names holding CR back. A text
cell that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, tab or
carriage return) gets a `'` in front, as OWASP advises against CSV injection; the JSON
export keeps names exact.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

from jupyter_scope.model.report import ScopeReport
from jupyter_scope.present import human, section

COLUMNS = [
    "kind",
    "name",
    "scope",
    "type",
    "shape",
    "dtype",
    "params",
    "bytes",
    "trainable",
    "role",
    "created",
    "reuse_count",
    "api",
    "initializer",
    "device_requested",
    "device",
    "graph",
    "ran",
    "sites",
    # an op's static and (profiled) measured cost: a scope's are the sums of its ops'
    "flops",
    "micros",
    "peak_bytes",
]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(row: Mapping[str, Any]) -> dict[str, Any]:
    """The row with control characters shown escaped (line breaks stay: the cell is
    quoted), and every text cell that could start a formula made plain text."""
    cells = {k: human.visible(v, keep="\r\n") if isinstance(v, str) else v for k, v in row.items()}
    return {
        key: f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value
        for key, value in cells.items()
    }


def render(report: ScopeReport, *, ops: bool = False) -> str:
    out = io.StringIO()
    # RFC 4180's CRLF: the writer quotes a field holding any character of the line
    # terminator, so a name with a lone CR (or LF) stays one field of one row.
    matched = bool(report.meta.get("match"))  # a match's tree: a column for the state
    columns = [*COLUMNS, "match"] if matched else COLUMNS
    writer = csv.DictWriter(out, columns, restval="", extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for var in report.variables:
        sites = "; ".join(c["text"] for c in section.node_sites(report.display, var["id"]))
        row = {**var, "shape": json.dumps(var["shape"]), "role": human.role(var), "sites": sites}
        if matched:
            row["match"] = section.match_text(report.display, var["id"])
        writer.writerow(inert(row))
    if ops:
        writer.writerows(inert(op) for op in report.ops)
    return out.getvalue()
