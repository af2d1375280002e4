"""What a `%%scopes` output adds to a saved notebook: a capped `text/plain`, and a widget
whose state (saved by "save widget state" and nbclient's `store_widget_state`) holds no
second copy of the report; its views ask the kernel for it."""

from __future__ import annotations

import json
import os
import queue
import sys
from pathlib import Path

import pytest

import jupyter_scope
from jupyter_scope import MIME_TYPE, ScopeReport, cli
from jupyter_scope.notebook.compact import compact
from jupyter_scope.present import text_tree
from jupyter_scope.present.bundle import mimebundle

ROOT = Path(__file__).parent.parent
WIDGET_MIME_TYPE = "application/vnd.jupyter.widget-view+json"


def deep_mlp(tf, v1) -> ScopeReport:
    """60 dense layers trained by Adam: 362 variables, a tree of ~500 lines."""
    with jupyter_scope.record() as rec:
        x = v1.placeholder(tf.float32, [None, 8])
        for i in range(60):
            with v1.variable_scope(f"layer_{i}"):
                w = v1.get_variable("w", [8, 8])
                b = v1.get_variable("b", [8], initializer=v1.zeros_initializer())
                x = tf.nn.relu(tf.matmul(x, w) + b)
        v1.train.AdamOptimizer(1e-3).minimize(tf.reduce_sum(x))
    return rec.report


def test_a_large_reports_text_plain_is_its_top_and_a_count_of_the_rest(tf, v1, graph):
    report = deep_mlp(tf, v1)
    assert len(report.variables) == len(v1.global_variables()) == 362
    whole = text_tree.render(report, limit=None).splitlines()
    saved = mimebundle(report)["text/plain"].splitlines()
    assert len(whole) > 3 * text_tree.SHOWN_LINES  # the tree, one line or more a variable
    assert len(saved) == text_tree.SHOWN_LINES
    assert saved[:-1] == whole[: text_tree.SHOWN_LINES - 1]
    assert saved[0] == report.display["summary"]["line"]
    left_out = len(whole) - (text_tree.SHOWN_LINES - 1)
    assert saved[-1].startswith(f"… {left_out} more lines (")
    # The document keeps every variable the text leaves out.
    assert len(ScopeReport.from_dict(mimebundle(report)[MIME_TYPE]).variables) == 362


def test_a_report_within_the_limit_is_shown_whole(tf, v1, graph):
    with jupyter_scope.record() as rec:
        v1.get_variable("w", [2, 2])
    text = mimebundle(rec.report)["text/plain"]
    assert text == text_tree.render(rec.report, limit=None)
    assert "more line" not in text


def test_show_prints_the_whole_tree(tf, v1, graph, tmp_path, capsys):
    report = deep_mlp(tf, v1)
    path = report.export(tmp_path / "deep.json")
    assert cli.main(["show", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == text_tree.render(report, limit=None).splitlines()
    assert "more line" not in out


@pytest.mark.slow
def test_widget_state_holds_no_report_and_a_view_gets_it_by_asking(tmp_path):
    """In a real kernel, over the widget protocol as a front end speaks it: the model's
    state (what a saved notebook keeps) has `selected` and `filter` but no report; a view's
    `report?` message is answered with the report of the same output, in compact form."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(
        kernel_name="python3",
        env={**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"},
        cwd=str(tmp_path),
    )
    try:
        cell = (
            "%%scopes --graph\nimport tensorflow as tf\n"
            "with tf.compat.v1.variable_scope('dense'):\n"
            "    w = tf.compat.v1.get_variable('w', [3, 4])\n"
        )
        messages = run(client, "%load_ext jupyter_scope") + run(client, cell)
        (opened,) = [m for m in messages if m["msg_type"] == "comm_open" and is_scope(m)]
        (shown,) = [m["content"]["data"] for m in messages if MIME_TYPE in data_of(m)]
        state = opened["content"]["data"]["state"]
        assert "report" not in state
        assert state["selected"] == "" and state["filter"] == ""
        assert shown[WIDGET_MIME_TYPE]["model_id"] == opened["content"]["comm_id"]
        # What a saved notebook adds for this widget: its front-end module, not the report.
        saved = {key: value for key, value in state.items() if key not in ("_esm", "_css")}
        assert len(json.dumps(saved)) < 1_000

        ask = {"comm_id": opened["content"]["comm_id"], "data": {"method": "custom"}}
        ask["data"]["content"] = {"type": "report?"}
        client.shell_channel.send(client.session.msg("comm_msg", ask))
        answer = next_custom(client)
        assert answer["type"] == "report"
        document = ScopeReport.from_dict(shown[MIME_TYPE]).to_dict()
        assert answer["report"] == json.loads(json.dumps(compact(document)))
        assert [v["name"] for v in ScopeReport.from_dict(shown[MIME_TYPE]).variables] == ["dense/w"]
        # The flow pane's layout worker comes when asked for, not with the module.
        assert len(state["_esm"]) < 200_000
        ask["data"]["content"] = {"type": "elk?"}
        client.shell_channel.send(client.session.msg("comm_msg", ask))
        answer = next_custom(client)
        script = ROOT / "node_modules" / "elkjs" / "lib" / "elk-worker.min.js"
        assert answer == {"type": "elk", "source": script.read_text(encoding="utf-8")}
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def run(client, code: str) -> list[dict]:
    """The iopub messages of one execution, up to the kernel's idle."""
    msg_id = client.execute(code)
    messages = []
    while True:
        message = client.get_iopub_msg(timeout=120)
        if message["parent_header"].get("msg_id") != msg_id:
            continue
        messages.append(message)
        if message["msg_type"] == "error":
            sys.stderr.write("\n".join(message["content"]["traceback"]))
        if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
            return messages


def is_scope(message: dict) -> bool:
    return "_esm" in message["content"]["data"].get("state", {})


def data_of(message: dict) -> dict:
    return message["content"].get("data", {}) if message["msg_type"] == "display_data" else {}


def next_custom(client) -> dict:
    while True:
        try:
            message = client.get_iopub_msg(timeout=60)
        except queue.Empty:
            pytest.fail("the kernel did not answer the view's report? message")
        data = message["content"].get("data", {})
        if message["msg_type"] == "comm_msg" and data.get("method") == "custom":
            return data["content"]
