"""Notebook size: the bytes a report's output adds to a saved .ipynb, per op.

Runs `notebooks/02_gan_and_rnn_sharing.ipynb` with nbclient in a kernel of this
checkout (no widget state saved, as JupyterLab's default), and records Keras
MobileNetV2 (build + one eager forward pass) directly. For each, the saved bundle
(`display/bundle.py`) against the one saved before: the plain JSON document and the
whole static HTML tree, written by nbformat the same way.

    .venv/bin/python benchmarks/notebook_size.py
"""

from __future__ import annotations

import copy
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
from jupyter_scope.present import html_tree, text_tree  # noqa: E402
from jupyter_scope.present.bundle import mimebundle  # noqa: E402

NOTEBOOK = ROOT / "notebooks" / "02_gan_and_rnn_sharing.ipynb"


def unpacked(report: ScopeReport) -> dict:
    """The bundle as it was saved before packing: plain document, whole HTML tree."""
    return {
        "text/plain": text_tree.render(report),
        "text/html": html_tree.render(report),
        MIME_TYPE: report.to_dict(),
    }


def size(notebook: nbformat.NotebookNode) -> int:
    return len(nbformat.writes(notebook).encode())


def executed(path: Path) -> nbformat.NotebookNode:
    notebook = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as home:
        spec = Path(home) / "kernels" / "scope-bench"
        spec.mkdir(parents=True)
        argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        env = {"PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
        kernel = {"argv": argv, "display_name": "bench", "language": "python", "env": env}
        (spec / "kernel.json").write_text(json.dumps(kernel))
        os.environ["JUPYTER_PATH"] = home
        client = NotebookClient(
            notebook, kernel_name="scope-bench", timeout=600, store_widget_state=False
        )
        client.execute(cwd=tempfile.gettempdir())
    return notebook


def notebook_row(path: Path) -> tuple[str, int, int, int, int]:
    """(name, ops, bytes before running, saved now, saved before packing)."""
    blank = size(nbformat.read(path, as_version=4))
    notebook = executed(path)
    now = size(notebook)
    before = copy.deepcopy(notebook)
    n_ops = 0
    for cell in before.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if MIME_TYPE in data:
                report = ScopeReport.from_dict(data[MIME_TYPE])
                n_ops += len(report.ops)
                data.update(unpacked(report))
    return path.name, n_ops, blank, now, size(before)


def mobilenet_row() -> tuple[str, int, int, int, int]:
    import keras
    import tensorflow as tf

    import jupyter_scope

    with jupyter_scope.record() as rec:
        model = keras.applications.MobileNetV2(weights=None)
        model(tf.zeros([1, 224, 224, 3]))
    report = rec.report

    def saved(data: dict) -> int:
        output = nbformat.v4.new_output("display_data", data=data)
        return size(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[output])]))

    blank = saved({})
    return (
        "Keras MobileNetV2, one cell",
        len(report.ops),
        blank,
        saved(mimebundle(report)),
        (saved(unpacked(report))),
    )


def main() -> None:
    print("| notebook | ops | before running | saved before | saved now | bytes/op before | now |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, n_ops, blank, now, before in (notebook_row(NOTEBOOK), mobilenet_row()):
        print(
            f"| {name} | {n_ops:,} | {blank:,} | {before:,} | {now:,} "
            f"| {(before - blank) / n_ops:.0f} | {(now - blank) / n_ops:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
