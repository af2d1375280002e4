"""Notebook size: the bytes a report's output adds to a saved .ipynb, per op.

Runs `notebooks/02_gan_and_rnn_sharing.ipynb` with nbclient in a kernel of this
checkout (no widget state saved, as JupyterLab's default), and records Keras
MobileNetV2 (build + one eager forward pass) directly. For each, the saved bundle
(`present/bundle.py`) against the one saved before packing (the plain JSON document and
the whole static HTML tree) and the one saved before the columns (the report's JSON
gzipped), written by nbformat the same way.

Then one `%%scopes` cell of tf-slim inception_v3 + Adam, run by nbclient without and
with widget state saved (`store_widget_state`, as JupyterLab's "save widget state"): what
it adds to the saved notebook, its `text/plain`, the widget state and the packed document.
`--kernel-root DIR` runs that cell with the jupyter_scope of another checkout (the code
before a change).

    .venv/bin/python benchmarks/notebook_size.py [--kernel-root DIR]
"""

from __future__ import annotations

import argparse
import base64
import copy
import gzip
import json
import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from jupyter_scope import MIME_TYPE, ScopeReport  # noqa: E402
from jupyter_scope.document import packed  # noqa: E402
from jupyter_scope.present import html_tree, text_tree  # noqa: E402
from jupyter_scope.present.bundle import mimebundle  # noqa: E402

NOTEBOOK = ROOT / "notebooks" / "02_gan_and_rnn_sharing.ipynb"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
# tf-slim's inception_v3 with its BatchNorm arg scope and an Adam train op, as issue 26
# measured it (962 variables, 11,781 ops). tf-slim 1.1's BatchNorm needs the two fixes of
# tests/corpus/tf_truth.py's `allow_tf_slim_batch_norm`.
INCEPTION_CELL = """%%scopes --graph
import tensorflow as tf
import tf_slim
from tensorflow.python.framework import ops
from tf_slim.nets import inception_v3

ops.Tensor = tf.Tensor
v1 = tf.compat.v1
images = v1.placeholder(tf.float32, [1, 299, 299, 3])
with tf_slim.arg_scope(inception_v3.inception_v3_arg_scope()):
    with tf_slim.arg_scope([tf_slim.batch_norm], zero_debias_moving_mean=True):
        logits, _ = inception_v3.inception_v3(images, num_classes=10)
loss = tf.reduce_mean(logits)
v1.train.AdamOptimizer(1e-3).minimize(loss, global_step=v1.train.get_or_create_global_step())
"""


def unpacked(report: ScopeReport) -> dict:
    """The bundle as it was saved before packing: plain document, whole HTML tree."""
    return {
        "text/plain": text_tree.render(report),
        "text/html": html_tree.render(report),
        MIME_TYPE: report.to_dict(),
    }


def json_packed(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook with each packed report saved as before the columns: its JSON gzipped."""
    notebook = copy.deepcopy(notebook)
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if packed.is_packed(data.get(MIME_TYPE)):
                document = ScopeReport.from_dict(data[MIME_TYPE]).to_dict()
                text = gzip.compress(packed.dumps(document).encode(), mtime=0)
                data[MIME_TYPE] = {
                    "schema": document["schema"],
                    "encoding": packed.JSON_ENCODING,
                    "data": base64.b64encode(text).decode("ascii"),
                }
    return notebook


def size(notebook: nbformat.NotebookNode) -> int:
    return len(nbformat.writes(notebook).encode())


def executed(
    notebook: nbformat.NotebookNode, *, root: Path = ROOT, widget_state: bool = False
) -> nbformat.NotebookNode:
    """The notebook run by nbclient in a kernel importing jupyter_scope from `root`."""
    notebook = copy.deepcopy(notebook)
    with tempfile.TemporaryDirectory() as home:
        spec = Path(home) / "kernels" / "scope-bench"
        spec.mkdir(parents=True)
        argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        env = {"PYTHONPATH": str(root), "TF_CPP_MIN_LOG_LEVEL": "3"}
        kernel = {"argv": argv, "display_name": "bench", "language": "python", "env": env}
        (spec / "kernel.json").write_text(json.dumps(kernel))
        os.environ["JUPYTER_PATH"] = home
        client = NotebookClient(
            notebook, kernel_name="scope-bench", timeout=600, store_widget_state=widget_state
        )
        client.execute(cwd=tempfile.gettempdir())
    return notebook


def notebook_row(path: Path) -> tuple[str, int, int, int, int, int]:
    """(name, ops, bytes before running, saved now, saved before packing, saved with the
    JSON gzipped as before the columns)."""
    blank = size(nbformat.read(path, as_version=4))
    notebook = executed(nbformat.read(path, as_version=4))
    now = size(notebook)
    gzipped = size(json_packed(notebook))
    before = copy.deepcopy(notebook)
    n_ops = 0
    for cell in before.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if MIME_TYPE in data:
                report = ScopeReport.from_dict(data[MIME_TYPE])
                n_ops += len(report.ops)
                data.update(unpacked(report))
    return path.name, n_ops, blank, now, size(before), gzipped


def mobilenet_row() -> tuple[str, int, int, int, int, int]:
    import keras
    import tensorflow as tf

    import jupyter_scope

    with jupyter_scope.record() as rec:
        model = keras.applications.MobileNetV2(weights=None)
        model(tf.zeros([1, 224, 224, 3]))
    report = rec.report

    def notebook(data: dict) -> nbformat.NotebookNode:
        output = nbformat.v4.new_output("display_data", data=data)
        return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[output])])

    def saved(data: dict) -> int:
        return size(notebook(data))

    blank = saved({})
    return (
        "Keras MobileNetV2, one cell",
        len(report.ops),
        blank,
        saved(mimebundle(report)),
        saved(unpacked(report)),
        size(json_packed(notebook(mimebundle(report)))),
    )


def inception_row(root: Path, widget_state: bool) -> tuple[int, int, int, int, int]:
    """(ops, bytes the cell's outputs add, of them `text/plain`, of them widget state, of
    them the packed document)."""
    source = [nbformat.v4.new_code_cell("%load_ext jupyter_scope"), nbformat.v4.new_code_cell()]
    source[1].source = INCEPTION_CELL
    blank = nbformat.v4.new_notebook(cells=source)
    notebook = executed(blank, root=root, widget_state=widget_state)
    (report,) = [
        ScopeReport.from_dict(output["data"][MIME_TYPE])
        for output in notebook.cells[1].outputs
        if MIME_TYPE in output.get("data", {})
    ]
    text = copy.deepcopy(notebook)
    for output in text.cells[1].outputs:
        output.get("data", {}).pop("text/plain", None)
    state = copy.deepcopy(notebook)
    state.metadata.get("widgets", {}).pop(WIDGET_STATE, None)
    document = copy.deepcopy(notebook)
    for output in document.cells[1].outputs:
        output.get("data", {}).pop(MIME_TYPE, None)
    now = size(notebook)
    return (
        len(report.ops),
        now - size(blank),
        now - size(text),
        now - size(state),
        now - size(document),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kernel-root", type=Path, default=ROOT, help="checkout the kernel uses")
    parser.add_argument("--only-inception", action="store_true", help="skip the first table")
    args = parser.parse_args()
    if not args.only_inception:
        sizes_table()
    print(f"\ninception_v3 + Adam, kernel importing jupyter_scope from {args.kernel_root}")
    print(
        "| widget state saved | ops | added to the notebook | of it: `text/plain` | widget state"
        " | packed document |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for widget_state in (False, True):
        n_ops, added, text, state, document = inception_row(args.kernel_root, widget_state)
        print(
            f"| {'yes' if widget_state else 'no'} | {n_ops:,} | {added:,} | {text:,} | {state:,}"
            f" | {document:,} |",
            flush=True,
        )


def sizes_table() -> None:
    print(
        "| notebook | ops | before running | saved before packing | JSON gzipped | saved now"
        " | bytes/op before packing | JSON gzipped | now |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, n_ops, blank, now, before, gzipped in (notebook_row(NOTEBOOK), mobilenet_row()):
        print(
            f"| {name} | {n_ops:,} | {blank:,} | {before:,} | {gzipped:,} | {now:,} "
            f"| {(before - blank) / n_ops:.0f} | {(gzipped - blank) / n_ops:.0f}"
            f" | {(now - blank) / n_ops:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
