"""Flow scale: the dataflow pane on tf-slim inception_v3 (trained with Adam, recorded in
graph mode) in Debian's Chromium, through the widget's ES module.

For the scopes whose ops number nearest 200 and 2,000 (all below them), the time from
selecting the scope in the tree to the pane's next painted frame: its flow with its child
scopes as closed boxes, then with every box open (every op drawn), and opening one child
box in place; and, in the root scope's flow, opening the `InceptionV3` box. Layout runs
in ELK's web worker, whose script the widget asks the kernel for (answered here as
`widget.py` would). Run by hand, after `npm run build`:
`.venv/bin/python benchmarks/flow_scale.py`.

`--tensorboard` also writes the same graph (the same `tf.Graph` object) to an event file,
serves it with `tensorboard` (a benchmark-only dependency: `pip install tensorboard`) on
127.0.0.1 and times its Graphs dashboard in the same Chromium: the first render (page
load to the graph drawn), and each expansion (double-clicking a node to its children
drawn and a painted frame) on the way down to the ~200-op scope, and `gradients`.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jupyter_scope.notebook.compact import compact  # noqa: E402
from tests.browser.lab import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

TARGETS = (200, 2_000)
PAINTED = "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def inception_v3(logdir: Path | None = None) -> dict:
    """The report of tf-slim inception_v3 with Adam, as `%%scopes --graph` records it; with
    `logdir`, its graph written there as TensorBoard reads it."""
    import tensorflow as tf
    import tf_slim
    from tensorflow.python.framework import ops
    from tf_slim.nets import inception_v3 as net

    import jupyter_scope

    v1 = tf.compat.v1
    ops.Tensor = tf.Tensor  # tf-slim 1.1 on TF 2.21 (tests/corpus/tf_truth.py)
    with tf.Graph().as_default() as graph, jupyter_scope.record() as rec:
        images = v1.placeholder(tf.float32, [2, 299, 299, 3])
        with (
            tf_slim.arg_scope(net.inception_v3_arg_scope()),
            tf_slim.arg_scope([tf_slim.batch_norm], zero_debias_moving_mean=True),
        ):
            logits, _ = net.inception_v3(images, num_classes=10)
        v1.train.AdamOptimizer().minimize(tf.reduce_mean(logits))
        if logdir is not None:
            v1.summary.FileWriter(str(logdir), graph).close()
    return rec.report.to_dict()


def nearest(document: dict, n_ops: int) -> dict:
    scopes = [n for n in document["graph"]["nodes"] if n["kind"] == "scope" and n["name"]]
    return min(scopes, key=lambda s: abs(s["n_ops"] - n_ops))


def measure(document: dict, scopes: list[str], rounds: int = 3) -> dict[str, dict]:
    from playwright.sync_api import sync_playwright

    script = (Path(__file__).parent / "flow_scale.js").read_text()
    source = (ROOT / "jupyter_scope" / "static" / "tree.js").read_text()
    css = (ROOT / "jupyter_scope" / "static" / "tree.css").read_text()
    payload = json.dumps(compact(document), separators=(",", ":"))
    worker = (ROOT / "jupyter_scope" / "static" / "elk-worker.js").read_text()
    results: list[dict] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(rounds):
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_content(f"<style>{css}</style><div id='host'></div>")
            results.append(page.evaluate(script, [source, payload, scopes, worker]))
            page.close()
        browser.close()
    return {
        name: {
            key: statistics.median(r[name][key] for r in results)
            if results[0][name][key] is not None
            else None
            for key in results[0][name]
        }
        for name in results[0]
    }


def tensorboard(logdir: Path, scope: str, rounds: int = 3) -> dict[str, list[float]]:
    """TensorBoard's Graphs dashboard on the graph in `logdir`: ms to the first render and
    to each expansion, every round in a fresh page."""
    from playwright.sync_api import sync_playwright

    script = (Path(__file__).parent / "flow_tensorboard.js").read_text()
    parts = scope.split("/")
    # Down to the ~200-op scope, one level a double click; then `gradients`.
    steps = ["/".join(parts[: i + 1]) for i in range(len(parts))] + ["gradients"]
    command = [sys.executable, "-m", "tensorboard.main", "--logdir", str(logdir)]
    command += ["--host", "127.0.0.1", "--port", "0", "--load_fast", "false"]
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stderr is not None
        url = ""
        while not url:
            line = server.stderr.readline()
            if not line:
                raise RuntimeError("tensorboard stopped before serving")
            found = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
            url = found.group(1) if found else ""
        times: dict[str, list[float]] = {"first render": []}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _ in range(rounds):
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                start = time.perf_counter()
                page.goto(url + "#graphs")
                page.wait_for_selector('g.node[data-name="InceptionV3"]', timeout=300_000)
                page.evaluate(PAINTED)
                times["first render"].append((time.perf_counter() - start) * 1000)
                for step in steps:
                    times.setdefault(step, []).append(page.evaluate(script, [step])["time"])
                page.close()
            browser.close()
        return times
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tensorboard", action="store_true", help="time TensorBoard too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as logdir:
        document = inception_v3(Path(logdir) if args.tensorboard else None)
        chosen = [nearest(document, n) for n in TARGETS]
        if args.tensorboard:
            for step, ms in tensorboard(Path(logdir), chosen[0]["name"]).items():
                print(f"TensorBoard {step}: {min(ms):.0f}–{max(ms):.0f} ms")
    for scope in chosen:
        print(f"{scope['name']}: {scope['n_ops']} ops")
    results = measure(document, [s["name"] for s in chosen])
    print(f"root flow, opening the InceptionV3 box: {results.pop('InceptionV3')['child']:.0f} ms")
    for name, m in results.items():
        print(
            f"{name}: closed {m['closed']:.0f} ms ({m['nodes']:.0f} nodes), "
            f"all open {m['open']:.0f} ms ({m['opened']:.0f} nodes, {m['edges']:.0f} edges), "
            + (f"one child box {m['child']:.0f} ms" if m["child"] is not None else "no child box")
        )
        split = " / ".join(f"{m[f'closed_{k}']:.0f}" for k in ("model", "layout", "paint"))
        print(f"  closed flow: model / layout / paint {split} ms")
        if m["child"] is not None:
            split = " / ".join(f"{m[f'child_{k}']:.0f}" for k in ("model", "layout", "paint"))
            print(f"  child box opened: model / layout / paint {split} ms")


if __name__ == "__main__":
    main()
