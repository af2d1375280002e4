"""Each label is written once (`present/section.py`) and every format reads it: the same
report shows the same state badges and placements in the text tree, the static HTML, the
Markdown and DOT files as in the widget (which renders the display section itself)."""

from __future__ import annotations

import html
import re

import pytest

import jupyter_scope
from jupyter_scope.export import write
from jupyter_scope.present import html_tree, section, text_tree


@pytest.fixture
def report(tf, v1, graph):
    """Created, reused ×2, an optimizer's slots, and an op asked for a GPU this host lacks."""
    with jupyter_scope.record() as rec:
        x = v1.placeholder(tf.float32, [None, 3])
        for _ in range(3):
            with v1.variable_scope("tower", reuse=v1.AUTO_REUSE):
                w = v1.get_variable("w", [3, 2])
        with tf.device("/GPU:0"):
            y = x @ w
        v1.train.AdamOptimizer().minimize(tf.reduce_sum(y))
        with v1.Session(config=v1.ConfigProto(allow_soft_placement=True)) as session:
            session.run(v1.global_variables_initializer())
            session.run(y, {x: [[1.0, 2.0, 3.0]]})
    return rec.report


def test_every_format_shows_the_same_state_badges(report):
    texts = {v["name"]: section.state_texts(report.display, v["id"]) for v in report.variables}
    assert texts["tower/w"] == ["created", "reused ×2"]
    assert texts["tower/w/Adam"] == ["created", "slot m"]
    plain = text_tree.render(report)
    static = html.unescape(re.sub(r"<[^>]+>", " ", html_tree.render(report)))
    markdown = write.render(report, "md")
    dot = write.render(report, "dot")
    for name, states in texts.items():
        leaf = name.rsplit("/", 1)[-1]
        line = next(line for line in plain.splitlines() if line.strip().startswith(f"{leaf} "))
        assert " ".join(states) in line, (name, line)
        row = next(row for row in markdown.splitlines() if row.startswith(f"| `{name}` |"))
        assert f"| {', '.join(states)} |" in row, (name, row)
        assert f'\\n{" ".join(states)}"' in dot, name
        for state in states:
            assert state in static, (name, state)
    # No format writes a state of its own (DOT once called every variable "reused").
    assert "reused×" not in plain + dot and "reused reused" not in dot


def test_every_format_writes_a_placement_alike(report):
    matmul = next(o for o in report.ops if o["type"] == "MatMul")
    assert matmul["device_requested"] == "/device:GPU:0" and "CPU:0" in matmul["device"]
    where = section.placement(matmul)
    assert where == "⚠ CPU:0 (asked GPU:0)"
    placed = next(v for v in report.variables if v["name"] == "tower/w")
    assert f"| {section.placement(placed)} |" in write.render(report, "md")
    assert f"@ {section.placement(placed)}" in text_tree.render(report)
    assert section.asked(matmul) in html_tree.render(report)
