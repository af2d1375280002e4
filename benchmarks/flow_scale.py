"""Flow scale: the dataflow pane on tf-slim inception_v3 (trained with Adam, recorded in
graph mode) in Debian's Chromium, through the widget's ES module.

For the scopes whose ops number nearest 200 and 2,000 (all below them), the time from
selecting the scope in the tree to the pane's next painted frame: its flow with its child
scopes as closed boxes, then with every box open (every op drawn), and opening one child
box in place. Layout runs in ELK's web worker, whose script the widget asks the kernel
for (answered here as `widget.py` would). Run by hand, after `npm run build`:
`.venv/bin/python benchmarks/flow_scale.py`.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jupyter_scope.notebook.compact import compact  # noqa: E402
from tests.browser.lab import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

TARGETS = (200, 2_000)


def inception_v3() -> dict:
    """The report of tf-slim inception_v3 with Adam, as `%%scopes --graph` records it."""
    import tensorflow as tf
    import tf_slim
    from tensorflow.python.framework import ops
    from tf_slim.nets import inception_v3 as net

    import jupyter_scope

    v1 = tf.compat.v1
    ops.Tensor = tf.Tensor  # tf-slim 1.1 on TF 2.21 (tests/corpus/tf_truth.py)
    with tf.Graph().as_default(), jupyter_scope.record() as rec:
        images = v1.placeholder(tf.float32, [2, 299, 299, 3])
        with (
            tf_slim.arg_scope(net.inception_v3_arg_scope()),
            tf_slim.arg_scope([tf_slim.batch_norm], zero_debias_moving_mean=True),
        ):
            logits, _ = net.inception_v3(images, num_classes=10)
        v1.train.AdamOptimizer().minimize(tf.reduce_mean(logits))
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
        for name in scopes
    }


def main() -> None:
    document = inception_v3()
    chosen = [nearest(document, n) for n in TARGETS]
    for scope in chosen:
        print(f"{scope['name']}: {scope['n_ops']} ops")
    for name, m in measure(document, [s["name"] for s in chosen]).items():
        print(
            f"{name}: closed {m['closed']:.0f} ms ({m['nodes']:.0f} nodes), "
            f"all open {m['open']:.0f} ms ({m['opened']:.0f} nodes, {m['edges']:.0f} edges), "
            + (f"one child box {m['child']:.0f} ms" if m["child"] is not None else "no child box")
        )
        split = " / ".join(f"{m[f'closed_{k}']:.0f}" for k in ("model", "layout", "paint"))
        print(f"  closed flow: model / layout / paint {split} ms")


if __name__ == "__main__":
    main()
