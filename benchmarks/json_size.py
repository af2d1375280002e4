"""JSON size: bytes per op of `report.to_json()` (display section included), and what
they are spent on, for the workloads of README.md's "Report build and JSON size".

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

from jupyter_scope.capture import recorder
from jupyter_scope.report.build import build_report

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="pickle the captures to this file")
    args = parser.parse_args()
    captures = {name: capture(work) for name, work in WORKLOADS.items()}
    if args.keep:
        args.keep.write_bytes(pickle.dumps(captures))
    print("| capture | ops | bytes/op | of which |\n|---|---:|---:|---|")
    for name, captured in captures.items():
        report = build_report(captured)
        n_ops = len(report.ops)
        text = report.to_json()
        spent = parts(json.loads(text))
        of_which = ", ".join(f"{part} {n / n_ops:.0f}" for part, n in spent.most_common())
        print(f"| {name} | {n_ops:,} | {len(text) / n_ops:.0f} | {of_which} |", flush=True)


if __name__ == "__main__":
    main()
