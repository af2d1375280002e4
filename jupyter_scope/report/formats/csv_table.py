"""`csv`: one row per variable, and with `ops=True` one row per op after them.

`kind` tells the rows apart; a column a row's kind lacks is empty. Shapes are JSON lists
(`[5, 5, null]`), so a reader can parse them back. A text cell that a spreadsheet would
read as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) gets a `'`
in front, as OWASP advises against CSV injection; the JSON export keeps names exact.
"""

from __future__ import annotations

import csv
import io
import json

from jupyter_scope.report.model import ScopeReport

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
    "created",
    "reuse_count",
    "api",
    "initializer",
    "device_requested",
    "device",
    "graph",
]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(row: dict) -> dict:
    """The row with every text cell that could start a formula made plain text."""
    return {
        key: f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value
        for key, value in row.items()
    }


def render(report: ScopeReport, *, ops: bool = False) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, restval="", extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for var in report.variables:
        writer.writerow(inert({**var, "shape": json.dumps(var["shape"])}))
    if ops:
        writer.writerows(inert(op) for op in report.ops)
    return out.getvalue()
