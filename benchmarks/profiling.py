"""What measured cost costs: the same work profiled by TF alone and under
`record(profile=True)`, in one process.

"TF alone" is what a user would do without jupyter-scope: TF's profiler around the work
(`tf.profiler.experimental.start`/`stop`, to a temporary directory) for eager code and
`tf.function`s, and `RunOptions(trace_level=FULL_TRACE)` with a `RunMetadata` on every
`Session.run` of a TF1 graph. The recorded time includes reading the trace and building
the report. Runs are interleaved (TF alone, recorded, ...) from a collected heap; the
figure is the median of the per-pair ratios, with their spread. Plain and `record()`
without a profile are timed too, for scale.

    .venv/bin/python benchmarks/profiling.py [--pairs 7] [--only WORD]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import tensorflow as tf

import jupyter_scope

v1 = tf.compat.v1
# How a workload runs: "plain", "tf" (profiled by TF alone), "record", "profile".
Workload = Callable[[str], None]


@contextlib.contextmanager
def tf_profiler() -> Iterator[None]:
    directory = tempfile.mkdtemp(prefix="bench-profile-")
    tf.profiler.experimental.start(directory)
    try:
        yield
    finally:
        tf.profiler.experimental.stop()
        shutil.rmtree(directory, ignore_errors=True)


def around(how: str) -> contextlib.AbstractContextManager[object]:
    if how == "tf":
        return tf_profiler()
    if how in ("record", "profile"):
        return jupyter_scope.record(profile=how == "profile")
    return contextlib.nullcontext()


def keras_fit(how: str) -> None:
    """A small model built, compiled and `fit` for one epoch (16 steps of 8): eager code
    and Keras's `tf.function`s."""
    import keras

    x = np.random.default_rng(0).random((128, 32), dtype=np.float32)
    y = np.arange(128) % 4
    with around(how):
        model = keras.Sequential([
            keras.Input((32,)), keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(64, activation="relu"), keras.layers.Dense(4),
        ])  # fmt: skip
        model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        model.fit(x, y, batch_size=8, epochs=1, verbose=0)


def eager_loop(how: str) -> None:
    """200 eager steps of a two-layer MLP's forward pass and its gradient."""
    w1, w2 = tf.Variable(tf.ones([64, 128])), tf.Variable(tf.ones([128, 10]))
    x = tf.ones([32, 64])
    with around(how):
        for _ in range(200):
            with tf.GradientTape() as tape:
                with tf.name_scope("hidden"):
                    h = tf.nn.relu(tf.matmul(x, w1))
                with tf.name_scope("out"):
                    loss = tf.reduce_sum(tf.matmul(h, w2))
            tape.gradient(loss, [w1, w2])


def session_steps(how: str) -> None:
    """A TF1 MLP with Adam, built and trained for 50 `Session.run` steps."""
    feed = np.ones([64, 256], np.float32)
    # TF alone: no profiler session, but every run traced in full, as ours traces them
    with tf.Graph().as_default() as graph, around("plain" if how == "tf" else how):
        x = v1.placeholder(tf.float32, [64, 256])
        with v1.variable_scope("hidden"):
            h = tf.nn.relu(tf.matmul(x, v1.get_variable("w", [256, 256])))
        with v1.variable_scope("out"):
            loss = tf.reduce_sum(tf.matmul(h, v1.get_variable("w", [256, 10])))
        train = v1.train.AdamOptimizer().minimize(loss)
        with v1.Session(graph=graph) as session:
            session.run(v1.global_variables_initializer())
            for _ in range(50):
                if how == "tf":
                    options = v1.RunOptions(trace_level=v1.RunOptions.FULL_TRACE)
                    session.run(train, {x: feed}, options=options, run_metadata=v1.RunMetadata())
                else:
                    session.run(train, {x: feed})


WORKLOADS: dict[str, Workload] = {
    "Keras small model, compile + fit one epoch": keras_fit,
    "eager loop, 200 steps with a gradient tape": eager_loop,
    "TF1 MLP + Adam, 50 Session.run steps": session_steps,
}


def timed(work: Workload, how: str) -> float:
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        work(how)
        return time.perf_counter() - start
    finally:
        gc.enable()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=7)
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    print("| workload | plain (s) | record() | TF's profiling alone | record(profile=True) "
          "| profiled ÷ TF's profiling (spread) |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|")
    for name, work in WORKLOADS.items():
        if args.only not in name:
            continue
        for how in ("plain", "tf", "record", "profile"):  # warm-up: kernels, traces
            work(how)
        times: dict[str, list[float]] = {how: [] for how in ("plain", "tf", "record", "profile")}
        for _ in range(args.pairs):
            for how in times:
                times[how].append(timed(work, how))
        ratios = [p / t for p, t in zip(times["profile"], times["tf"], strict=True)]
        med = {how: statistics.median(values) for how, values in times.items()}
        print(
            f"| {name} | {med['plain']:.3f} | {med['record'] / med['plain']:.2f}× "
            f"| {med['tf'] / med['plain']:.2f}× | {med['profile'] / med['plain']:.2f}× "
            f"| **{statistics.median(ratios):.2f}** ({max(ratios) - min(ratios):.2f}) |",
            flush=True,
        )


if __name__ == "__main__":
    main()
