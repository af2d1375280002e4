"""Recording overhead: the same work run plain and under `record()`, in one process.

Runs are interleaved (plain, recorded, plain, recorded, ...) so drift hits both alike,
each from a collected heap; the figure is the median of the per-pair ratios. The
recorded time includes building the report (the user always gets one). Also measures the
report build (events → networkx → JSON) per 1,000 ops and the JSON size per op.

    .venv/bin/python benchmarks/overhead.py [--pairs 7] [--only WORD] [--profile WORD]

`--profile WORD` runs the first workload whose name holds WORD once recorded under
cProfile and prints the functions with the most time of their own, then jupyter_scope's
functions by time including what they call.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf
from tf_slim.nets import inception_v3, resnet_v1

# The truth corpus's training graphs, built as its tests build them.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "corpus"))
import test_gan

import jupyter_scope
from jupyter_scope.analysis.build import build_report
from jupyter_scope.capture import recorder

v1 = tf.compat.v1
Wrap = Callable[[], contextlib.AbstractContextManager]
Workload = Callable[[Wrap], None]
T = TypeVar("T")


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


def keras_fit(wrap: Wrap) -> None:
    """A small model built, compiled and `fit` for one epoch (16 steps of 8)."""
    import keras
    import numpy as np

    x = np.random.default_rng(0).random((128, 32), dtype=np.float32)
    y = np.arange(128) % 4
    with wrap():
        model = keras.Sequential([
            keras.Input((32,)), keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(64, activation="relu"), keras.layers.Dense(4),
        ])  # fmt: skip
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        model.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)


def tf_function_trace(wrap: Wrap) -> None:
    """A `tf.function` train step's first call (its trace), model and optimizer made before."""
    import keras
    import numpy as np

    model = keras.Sequential([keras.Input((3, 4)), keras.layers.LSTM(8), keras.layers.Dense(2)])
    optimizer = keras.optimizers.Adam(1e-3)
    optimizer.build(model.trainable_variables)

    @tf.function
    def step(x: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x) - y))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        return loss

    x, y = np.ones((1, 3, 4), np.float32), np.zeros((1, 2), np.float32)
    with wrap():
        step(x, y)


def tf1_gan(wrap: Wrap) -> None:
    """The corpus's TF1 GAN: a generator, a discriminator called twice, two Adams."""
    tf1 = tf.compat.v1
    with wrap(), tf.Graph().as_default():
        fake = test_gan._generator(tf, tf1, tf1.random_normal([1, 2], seed=1))
        d_real = test_gan._discriminator(tf, tf1, tf1.random_normal([1, 4], seed=2), False, None)
        d_fake = test_gan._discriminator(tf, tf1, fake, True, None)
        xent = tf.nn.sigmoid_cross_entropy_with_logits
        d_loss = tf.reduce_mean(xent(labels=tf.ones_like(d_real), logits=d_real)) + (
            tf.reduce_mean(xent(labels=tf.zeros_like(d_fake), logits=d_fake))
        )
        g_loss = tf.reduce_mean(xent(labels=tf.ones_like(d_fake), logits=d_fake))
        trainable = tf1.trainable_variables()
        for prefix, loss in (("discriminator/", d_loss), ("generator/", g_loss)):
            var_list = [v for v in trainable if v.op.name.startswith(prefix)]
            tf1.train.AdamOptimizer(1e-3).minimize(loss, var_list=var_list)


def tf1_rnn(wrap: Wrap) -> None:
    """The corpus's `dynamic_rnn` (tf_keras' LSTMCell) in train and eval scopes, with Adam."""
    from tf_keras.api._v1.keras.__internal__.legacy import rnn_cell

    tf1 = tf.compat.v1
    with wrap(), tf.Graph().as_default():
        cell = rnn_cell.LSTMCell(4)
        with tf1.variable_scope("train"):
            outputs, _ = tf1.nn.dynamic_rnn(cell, tf1.random_normal([1, 3, 2]), dtype=tf.float32)
            tf1.train.AdamOptimizer(1e-3).minimize(tf.reduce_sum(outputs))
        with tf1.variable_scope("eval"):
            tf1.nn.dynamic_rnn(cell, tf1.random_normal([1, 5, 2]), dtype=tf.float32)


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
    "Keras small model, compile + fit one epoch": keras_fit,
    "tf.function train step (Keras LSTM + Adam), first trace": tf_function_trace,
    "TF1 GAN, two Adam optimizers (truth corpus)": tf1_gan,
    "TF1 dynamic_rnn LSTM train + eval, Adam (truth corpus)": tf1_rnn,
}


GC_IN_RUNS = False  # `--gc`: leave Python's collector on inside the timed block
# `--no-placement`: record(placement=False), to see what asking TF for placements costs
RECORD_OPTIONS: dict[str, Any] = {}


def run(work: Workload, record: bool, start: Callable[[], Any], stop: Callable[[Any], T]) -> T:
    """What `stop(start())` measures around the workload's `wrap`, plain or recorded, as
    a `%%scopes` cell would hold it (`instructions.py` counts with it too)."""
    # TF graphs are full of reference cycles: collect the last run's garbage first, or
    # whichever run comes next pays for it. Inside the block the collector is off: a full
    # collection of TF's heap takes 0.3–0.8 s, and whether one falls inside a run of ~1 s
    # depends on the allocations before it, which made single ratios swing 0.5–2.0.
    gc.collect()
    if not GC_IN_RUNS:
        gc.disable()
    measured: list[T] = []

    @contextlib.contextmanager
    def wrap():
        started = start()
        with jupyter_scope.record(**RECORD_OPTIONS) if record else contextlib.nullcontext():
            yield
        measured.append(stop(started))

    try:
        work(wrap)
    finally:
        gc.enable()
    return measured[0]


def timed(work: Workload, record: bool) -> tuple[float, float]:
    """Wall and CPU time (all threads) spent in the block. CPU time is less moved by
    other processes' load."""
    return run(
        work,
        record,
        lambda: (time.perf_counter(), time.process_time()),
        lambda s: (time.perf_counter() - s[0], time.process_time() - s[1]),
    )


def chosen(word: str | None) -> dict[str, Workload]:
    return {k: w for k, w in WORKLOADS.items() if word is None or word.lower() in k.lower()}


def profile(word: str) -> None:
    name, work = next(iter(chosen(word).items()))
    timed(work, record=True)  # warm up
    profiler = cProfile.Profile()
    profiler.enable()
    timed(work, record=True)
    profiler.disable()
    print(f"cProfile, recorded: {name}")
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(20)
    stats.sort_stats("cumulative").print_stats("jupyter_scope", 25)  # ours, with callees


Row = tuple[str, float, float, float, float, float, float]


def overhead(pairs: int, only: str | None = None) -> list[Row]:
    """Per workload: median plain and recorded wall time, the median of the wall-time
    ratios and their spread (max − min), the same of the CPU-time ratios."""
    rows = []
    for name, work in chosen(only).items():
        timed(work, record=False)  # warm up imports and kernels
        plain, recorded, walls, cpus = [], [], [], []
        for _ in range(pairs):
            (p_wall, p_cpu), (r_wall, r_cpu) = timed(work, False), timed(work, True)
            plain.append(p_wall)
            recorded.append(r_wall)
            walls.append(r_wall / p_wall)
            cpus.append(r_cpu / p_cpu)
        rows.append((
            name, statistics.median(plain), statistics.median(recorded),
            statistics.median(walls), max(walls) - min(walls),
            statistics.median(cpus), max(cpus) - min(cpus),
        ))  # fmt: skip
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
        gc.collect()  # as in `timed`: no collection of TF's heap inside the timing
        gc.disable()
        start = time.perf_counter()
        build_report(captured["capture"]).to_json()
        times.append(time.perf_counter() - start)
        gc.enable()
    size = len(rec.report.to_json())
    return n_ops, statistics.median(times) / n_ops * 1000 * 1000, size / n_ops


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=7)
    parser.add_argument("--only", help="run only the workloads whose name holds this")
    parser.add_argument("--profile", metavar="WORD", help="profile one recorded workload")
    parser.add_argument("--gc", action="store_true", help="collector on inside timed runs")
    parser.add_argument("--no-placement", action="store_true", help="record(placement=False)")
    args = parser.parse_args()
    global GC_IN_RUNS
    GC_IN_RUNS = args.gc
    if args.no_placement:
        RECORD_OPTIONS["placement"] = False
    if args.profile:
        profile(args.profile)
        return
    print(f"TF {tf.__version__}, {os.cpu_count()} cores, median of {args.pairs} pairs\n")
    print("| workload | plain (s) | recorded (s) | wall ratio (spread) | CPU ratio (spread) |")
    print("|---|---:|---:|---:|---:|")
    for name, plain, recorded, wall, wall_spread, cpu, cpu_spread in overhead(
        args.pairs, args.only
    ):
        print(
            f"| {name} | {plain:.2f} | {recorded:.2f} | {wall:.3f} ({wall_spread:.2f}) "
            f"| {cpu:.3f} ({cpu_spread:.2f}) |",
            flush=True,
        )
    n_ops, ms_per_kop, bytes_per_op = build_cost()
    print(
        f"\nReport build (events → graph → JSON), inception_v3, {n_ops} ops: "
        f"{ms_per_kop:.1f} ms per 1,000 ops; JSON {bytes_per_op:.0f} bytes per op"
    )


if __name__ == "__main__":
    main()
