"""Placement overhead: a `Session.run` loop plain, and recorded with and without placement.

Recording with placement asks a session's run for its partition graphs and reads the
devices off them, once per distinct fetches and feeds (TF reuses that run's executors,
placed as they were); `record(placement=False)` (`%%scopes --no-placement`) asks for
nothing. "asked every run" is what that costs when paid on every run: the loop passing
`RunOptions(output_partition_graphs=True)` itself and reading the placements each time.
All loops run in one process, interleaved (plain, placement on, placement off, asked
every run, plain, ...); the figures are medians of the per-round ratios to the plain loop.

    .venv/bin/python benchmarks/placement.py [--pairs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import tensorflow as tf
from tf_slim.nets import inception_v3

import jupyter_scope
from jupyter_scope.capture import placement

v1 = tf.compat.v1


@dataclass
class Workload:
    name: str
    runs: int  # Session.run calls per loop
    step: Callable[..., Any]  # one Session.run, given its options and run_metadata
    nodes: int  # nodes in the graph


def tiny() -> tuple[Callable[..., Any], int]:
    x = v1.placeholder(tf.float32, [2, 2])
    y = tf.sin(tf.matmul(x, x))
    sess = v1.Session()
    feed = {x: np.eye(2, dtype=np.float32)}
    return lambda **run: sess.run(y, feed, **run), len(v1.get_default_graph().get_operations())


def mlp_training() -> tuple[Callable[..., Any], int]:
    x = v1.placeholder(tf.float32, [64, 256])
    h = x
    for i in range(3):
        h = tf.nn.relu(tf.matmul(h, v1.get_variable(f"w{i}", [256, 256])))
    loss = tf.reduce_mean(tf.square(h))
    train = v1.train.GradientDescentOptimizer(0.01).minimize(loss)
    sess = v1.Session()
    sess.run(v1.global_variables_initializer())
    feed = {x: np.random.default_rng(0).random((64, 256), dtype=np.float32)}
    return lambda **run: sess.run(train, feed, **run), len(v1.get_default_graph().get_operations())


def inception() -> tuple[Callable[..., Any], int]:
    images = v1.placeholder(tf.float32, [1, 299, 299, 3])
    logits, _ = inception_v3.inception_v3(images, num_classes=1000)
    sess = v1.Session()
    sess.run(v1.global_variables_initializer())
    feed = {images: np.zeros((1, 299, 299, 3), np.float32)}
    return lambda **run: sess.run(logits, feed, **run), len(v1.get_default_graph().get_operations())


def workloads() -> list[Workload]:
    found = []
    for name, make, runs in [
        ("2×2 matmul + sin", tiny, 2000),
        ("3-layer MLP training step, batch 64", mlp_training, 300),
        ("tf-slim inception_v3 forward, batch 1", inception, 10),
    ]:
        with tf.Graph().as_default():
            step, nodes = make()
        found.append(Workload(name, runs, step, nodes))
    return found


def asked_every_run(work: Workload) -> None:
    options = v1.RunOptions(output_partition_graphs=True)
    for _ in range(work.runs):
        metadata = v1.RunMetadata()
        work.step(options=options, run_metadata=metadata)
        placement.placements(metadata)


def timed(work: Workload, mode: str) -> float:
    start = time.perf_counter()
    if mode == "plain":
        for _ in range(work.runs):
            work.step()
    elif mode == "asked every run":
        asked_every_run(work)
    else:
        with jupyter_scope.record(placement=mode == "placement on"):
            for _ in range(work.runs):
                work.step()
    return time.perf_counter() - start


MODES = ["plain", "placement on", "placement off", "asked every run"]


def measure(work: Workload, pairs: int) -> list[float]:
    """Median plain seconds per run, then the median ratio to plain of every other mode."""
    for mode in MODES:  # warm up: executors are built on the first runs
        timed(work, mode)
    times: dict[str, list[float]] = {mode: [] for mode in MODES}
    for _ in range(pairs):
        for mode in MODES:
            times[mode].append(timed(work, mode))
    plain = times["plain"]
    return [statistics.median(plain) / work.runs] + [
        statistics.median(t / p for p, t in zip(plain, times[mode], strict=True))
        for mode in MODES[1:]
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5)
    args = parser.parse_args()
    print(f"TF {tf.__version__}, {os.cpu_count()} cores, median of {args.pairs} rounds\n")
    print(
        "| Session.run loop | nodes | runs | plain (ms/run) | placement on | placement off "
        "| asked every run |\n|---|---:|---:|---:|---:|---:|---:|"
    )
    for work in workloads():
        per_run, *ratios = measure(work, args.pairs)
        print(
            f"| {work.name} | {work.nodes} | {work.runs} | {per_run * 1000:.3f} | "
            + " | ".join(f"{ratio:.3f}" for ratio in ratios)
            + " |"
        )


if __name__ == "__main__":
    main()
