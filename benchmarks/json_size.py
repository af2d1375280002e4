"""JSON size: bytes per op of `report.to_json()` (display section included), and what
they are spent on, for the workloads of README.md's "Report build and JSON size".

Two floors follow each: the document cut to what SPEC.md asks of it (node-link data of
nodes with SPEC's fields only: no display section, no graph keys, no scope links), and
the same with the shortest ids there can be (base-36 numbers, no kind prefix).

    .venv/bin/python benchmarks/json_size.py [--keep CAPTURES.pickle]

`--keep` also pickles the captures, so that other code can write the same recordings.
"""

from __future__ import annotations

import argparse
import json
import pickle
from collections import Counter
from pathlib import Path
from typing import Any

import overhead

from jupyter_scope.analysis.build import build_report
from jupyter_scope.capture import recorder

WORKLOADS = {
    "tf-slim inception_v3 (graph)": overhead.slim_graph(
        overhead.inception_v3.inception_v3, 299, record_inside=True
    ),
    "Keras ResNet50 (eager)": overhead.keras_resnet50,
    "TF1 GAN (graph)": overhead.tf1_gan,
    "TF1 dynamic_rnn (graph)": overhead.tf1_rnn,
}


def capture(work: overhead.Workload) -> Any:
    """The capture a recording of the workload builds its report from."""
    kept = []
    original = recorder.build_report

    def keep(capture: Any) -> Any:
        kept.append(capture)
        return original(capture)

    recorder.build_report = keep
    try:
        overhead.run(work, True, lambda: None, lambda _: None)
    finally:
        recorder.build_report = original
    return kept[0]


def size(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":")))


def parts(document: dict[str, Any]) -> Counter[str]:
    """Bytes by node kind, edge kind and the display section."""
    found: Counter[str] = Counter()
    for node in document["graph"]["nodes"]:
        found[f"{node['kind']} nodes"] += size(node) + 1
    for edge in document["graph"]["edges"]:
        found[f"{edge['kind']} edges"] += size(edge) + 1
    found["display"] = size(document["display"])
    return found


# SPEC.md's fields of each kind of node; every node has `id`, `kind` and `name`.
SPEC_FIELDS = {
    "op": {"type", "scope", "device_requested", "device"},
    "variable": {
        "shape", "dtype", "trainable", "created", "reuse_count", "api", "initializer",
        "device_requested", "device", "params", "bytes", "sites",
    },
    "scope": {"n_variables", "n_ops", "params", "bytes", "devices", "variable_scope", "name_scope"},
}  # fmt: skip


def spec_only(document: dict[str, Any], shortest_ids: bool = False) -> dict[str, Any]:
    """The document with only what SPEC.md asks of it."""
    nodes = [
        {k: v for k, v in node.items() if k in {"id", "kind", "name"} | SPEC_FIELDS[node["kind"]]}
        for node in document["graph"]["nodes"]
    ]
    edges = [
        {k: edge[k] for k in ("source", "target", "kind")} for edge in document["graph"]["edges"]
    ]
    if shortest_ids:
        ids = {node["id"]: base36(i) for i, node in enumerate(nodes)}
        for node in nodes:
            node["id"] = ids[node["id"]]
        for edge in edges:
            edge["source"], edge["target"] = ids[edge["source"]], ids[edge["target"]]
    graph = {**document["graph"], "nodes": nodes, "edges": edges}
    return {k: document[k] for k in ("schema", "meta", "diagnostics")} | {"graph": graph}


def base36(number: int) -> str:
    digits = ""
    while True:
        number, digit = divmod(number, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[digit] + digits
        if not number:
            return digits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="pickle the captures to this file")
    args = parser.parse_args()
    captures = {name: capture(work) for name, work in WORKLOADS.items()}
    if args.keep:
        args.keep.write_bytes(pickle.dumps(captures))
    print("| capture | ops | bytes/op | of which | SPEC's fields only | and shortest ids |")
    print("|---|---:|---:|---|---:|---:|")
    for name, captured in captures.items():
        report = build_report(captured)
        n_ops = len(report.ops)
        text = report.to_json()
        document = json.loads(text)
        spent = parts(document)
        of_which = ", ".join(f"{part} {n / n_ops:.0f}" for part, n in spent.most_common())
        floors = [size(spec_only(document, shortest)) / n_ops for shortest in (False, True)]
        print(
            f"| {name} | {n_ops:,} | {len(text) / n_ops:.0f} | {of_which} | "
            f"{floors[0]:.0f} | {floors[1]:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
