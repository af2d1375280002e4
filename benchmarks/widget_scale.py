"""Widget scale: a synthetic report of 100,000 ops and 5,000 variables in Chromium.

Measures the payload (the plain JSON document and the widget's compact form) and, in
Debian's Chromium, the time from the widget's `render` to the first painted frame, and
from "Expand all", a group expansion, a search, sorting each scope (by params, by name) and
the display's filters (reused; reused and created; with a search) to the next painted
frame. Run by hand:
`.venv/bin/python benchmarks/widget_scale.py` (after `npm run build`).
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jupyter_scope import ScopeReport  # noqa: E402
from jupyter_scope.notebook.compact import compact  # noqa: E402
from tests.browser.lab import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

OP_TYPES = ("Conv2D", "AddV2", "Relu", "MatMul", "ReadVariableOp", "Identity", "Mul", "Const")
CPU = "/job:localhost/replica:0/task:0/device:CPU:0"


def synthetic_document(n_ops: int = 100_000, n_variables: int = 5_000, width: int = 50) -> dict:
    """`width` towers × `width` blocks (2,550 scopes); variables and ops spread over the blocks.
    Op ids are `op:<n>`, n the op's index among the ops, as reports number them."""
    nodes: list[dict] = []
    edges: list[dict] = []
    blocks = []

    def scope(name: str, parent: str | None) -> str:
        nodes.append({
            "id": f"scope:{name}", "kind": "scope", "name": name, "variable_scope": True,
            "name_scope": True, "n_variables": 0, "n_ops": 0, "params": 0, "bytes": 0,
            "devices": {}, "links": [],
        })  # fmt: skip
        if parent is not None:
            edge = {"source": f"scope:{parent}", "target": f"scope:{name}", "kind": "contains"}
            edges.append(edge)
        return name

    scope("", None)
    for t in range(width):
        tower = scope(f"tower_{t}", "")
        blocks += [scope(f"{tower}/block_{b}", tower) for b in range(width)]
    for i in range(n_variables):
        block = blocks[i % len(blocks)]
        name = f"{block}/weights_{i // len(blocks)}"
        nodes.append({
            "id": f"var:g0:{name}", "kind": "variable", "name": name,
            "shape": [64, 64 * (1 + i % 7)],
            "dtype": "float32", "trainable": True, "created": i % 2 == 0, "reuse_count": i % 3,
            "api": "get_variable", "initializer": "glorot_uniform", "device_requested": None,
            "device": CPU, "params": 4096 * (1 + i % 7), "bytes": 16384 * (1 + i % 7),
            "sites": [{"file": "In [3]", "line": 7, "kind": "create"}],
            "scope": block, "graph": "g0",
        })  # fmt: skip
        edges.append({"source": f"scope:{block}", "target": f"var:g0:{name}", "kind": "contains"})
    for i in range(n_ops):
        block = blocks[i % len(blocks)]
        name = f"{block}/op_{i // len(blocks)}"
        nodes.append({
            "id": f"op:{i}", "kind": "op", "name": name, "type": OP_TYPES[i % len(OP_TYPES)],
            "scope": block, "device_requested": None, "device": CPU, "graph": "g0",
        })  # fmt: skip
        edges.append({"source": f"scope:{block}", "target": f"op:{i}", "kind": "contains"})
        if i >= len(blocks):
            edges.append({"source": f"op:{i - len(blocks)}", "target": f"op:{i}", "kind": "input"})
    # Each scope's totals, as a report has them (a scope of no variable is an ops-only one).
    scopes = {n["name"]: n for n in nodes if n["kind"] == "scope"}
    for node in nodes:
        if node["kind"] == "scope":
            continue
        parts = node["scope"].split("/")
        for above in ["", *("/".join(parts[:k]) for k in range(1, len(parts) + 1))]:
            totals = scopes[above]
            if node["kind"] == "variable":
                totals["n_variables"] += 1
                totals["params"] += node["params"]
                totals["bytes"] += node["bytes"]
            else:
                totals["n_ops"] += 1
            totals["devices"][CPU] = totals["devices"].get(CPU, 0) + 1
    meta = {
        "tf_version": "2.21.0", "mode": "graph", "wall_time": 1.0, "graphs": [],
        "devices": [{"name": CPU, "device_type": "CPU", "kind": "physical"}],
        "cell": {"execution_count": 1, "id": None}, "error": None,
    }  # fmt: skip
    graph = {"directed": True, "multigraph": False, "graph": {}, "nodes": nodes, "edges": edges}
    return {"schema": "jupyter-scope.report/1", "meta": meta, "graph": graph, "diagnostics": []}


def measure(document: dict, rounds: int = 5) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    script = (Path(__file__).parent / "widget_scale.js").read_text()
    source = (ROOT / "jupyter_scope" / "static" / "tree.js").read_text()
    css = (ROOT / "jupyter_scope" / "static" / "tree.css").read_text()
    payload = json.dumps(compact(document), separators=(",", ":"))
    results: list[dict] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(rounds):
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_content(f"<style>{css}</style><div id='host'></div>")
            results.append(page.evaluate(script, [source, payload]))
            page.close()
        browser.close()
    return {
        key: statistics.median(r[key] for r in results) if key != "shownReused" else results[0][key]
        for key in results[0]
    }


def main() -> None:
    # Through a report, for the display section the front end draws from.
    document = ScopeReport.from_dict(synthetic_document()).to_dict()
    plain = len(json.dumps(document, separators=(",", ":")))
    small = len(json.dumps(compact(document), separators=(",", ":")))
    print(f"payload: plain document {plain / 1e6:.1f} MB, compact {small / 1e6:.1f} MB")
    for key, ms in measure(document).items():
        print(f"{key}: {ms}" if key in ("shownReused", "rowsInDom") else f"{key}: {ms:.0f} ms")


if __name__ == "__main__":
    main()
