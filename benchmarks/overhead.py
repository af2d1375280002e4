"""Recording overhead: the same work run plain and under `record()`, in one process.

Runs are interleaved (plain, recorded, plain, recorded, ...) so drift hits both alike,
each from a collected heap; the figure is the median of the per-pair ratios. The
recorded time includes building the report (the user always gets one). Also measures the
report build (events → networkx → JSON) per 1,000 ops and the JSON size per op.

    .venv/bin/python benchmarks/overhead.py [--pairs 5]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import statistics
import time
from collections.abc import Callable

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf
from tf_slim.nets import inception_v3, resnet_v1

import jupyter_scope
from jupyter_scope.capture import recorder
from jupyter_scope.report.build import build_report

v1 = tf.compat.v1
Wrap = Callable[[], contextlib.AbstractContextManager]
Workload = Callable[[Wrap], None]


def slim_graph(build: Callable, size: int, *, record_inside: bool) -> Workload:
    """Graph construction; recorded from eager code, or inside the graph (`--graph`)."""

    def work(wrap: Wrap) -> None:
        none = contextlib.nullcontext
        outer, inner = (none, wrap) if record_inside else (wrap, none)
        with outer(), tf.Graph().as_default(), inner():
            build(v1.placeholder(tf.float32, [1, size, size, 3]), num_classes=1000)

    return work


def keras_resnet50(wrap: Wrap) -> None:
    import keras

    with wrap():
        model = keras.applications.ResNet50(weights=None)
        model(tf.zeros([1, 224, 224, 3]))


WORKLOADS: dict[str, Workload] = {
    "tf-slim inception_v3, recorded from eager code": slim_graph(
        inception_v3.inception_v3, 299, record_inside=False
    ),
    "tf-slim inception_v3, recorded inside the graph (--graph)": slim_graph(
        inception_v3.inception_v3, 299, record_inside=True
    ),
    "tf-slim resnet_v1_152, recorded from eager code": slim_graph(
        resnet_v1.resnet_v1_152, 224, record_inside=False
    ),
    "tf-slim resnet_v1_152, recorded inside the graph (--graph)": slim_graph(
        resnet_v1.resnet_v1_152, 224, record_inside=True
    ),
    "Keras ResNet50 build + eager forward": keras_resnet50,
}


def timed(work: Workload, record: bool) -> float:
    # TF graphs are full of reference cycles: collect the last run's garbage first, or
    # whichever run comes next pays for it.
    gc.collect()
    start = time.perf_counter()
    work(jupyter_scope.record if record else contextlib.nullcontext)
    return time.perf_counter() - start


def overhead(pairs: int) -> list[tuple[str, float, float, float]]:
    rows = []
    for name, work in WORKLOADS.items():
        timed(work, record=False)  # warm up imports and kernels
        plain, recorded = [], []
        for _ in range(pairs):
            plain.append(timed(work, record=False))
            recorded.append(timed(work, record=True))
        ratios = [r / p for p, r in zip(plain, recorded, strict=True)]
        rows.append(
            (name, statistics.median(plain), statistics.median(recorded), statistics.median(ratios))
        )
    return rows


def build_cost() -> tuple[int, float, float]:
    """Report build per 1,000 ops, and JSON bytes per op, on inception_v3's graph."""
    captured = {}
    original = recorder.build_report

    def keep(capture):
        captured["capture"] = capture
        return original(capture)

    recorder.build_report = keep
    try:
        with tf.Graph().as_default(), jupyter_scope.record() as rec:
            inception_v3.inception_v3(v1.placeholder(tf.float32, [1, 299, 299, 3]))
    finally:
        recorder.build_report = original
    n_ops = len(rec.report.ops)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        build_report(captured["capture"]).to_json()
        times.append(time.perf_counter() - start)
    size = len(rec.report.to_json())
    return n_ops, statistics.median(times) / n_ops * 1000 * 1000, size / n_ops


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5)
    args = parser.parse_args()
    print(f"TF {tf.__version__}, {os.cpu_count()} cores, median of {args.pairs} pairs\n")
    print("| workload | plain (s) | recorded (s) | ratio |\n|---|---:|---:|---:|")
    for name, plain, recorded, ratio in overhead(args.pairs):
        print(f"| {name} | {plain:.2f} | {recorded:.2f} | {ratio:.3f} |")
    n_ops, ms_per_kop, bytes_per_op = build_cost()
    print(
        f"\nReport build (events → graph → JSON), inception_v3, {n_ops} ops: "
        f"{ms_per_kop:.1f} ms per 1,000 ops; JSON {bytes_per_op:.0f} bytes per op"
    )


if __name__ == "__main__":
    main()
