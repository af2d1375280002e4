"""`csv`: one row per variable, and with `ops=True` one row per op after them.

`kind` tells the rows apart; a column a row's kind lacks is empty. Shapes are JSON lists
(`[5, 5, null]`), so a reader can parse them back.
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


def render(report: ScopeReport, *, ops: bool = False) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, restval="", extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for var in report.variables:
        writer.writerow({**var, "shape": json.dumps(var["shape"])})
    if ops:
        writer.writerows(report.ops)
    return out.getvalue()
