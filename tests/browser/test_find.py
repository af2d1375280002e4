"""Find anything in a large tree in one click, in JupyterLab and in Notebook 7 (real
servers, Chromium): tf-slim inception_v3 trained with Adam, with an eval tower that
reuses every variable, matched against a checkpoint of the 1001-class net. TF answers
each question first (its variables, the checkpoint's shapes); the tree must show the same.

- the 10 biggest scopes by params: "by params" sorts each scope's children;
- every reused variable: the "reused" filter, with its count;
- every problem of the match: the "shape/dtype mismatch" filter; the optimizer's slots and
  the step counter counted apart as expected misses;
- text that fits: badges and numbers whole at 800 px, the details pane out of the way
  until something is selected; a call line in the details is a link to its cell and line.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.browser.lab import (
    PANEL,
    kernel_eval,
    open_notebook,
    open_panel,
    run_all,
    set_theme,
    write_notebook,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SAVE = """\
import json
import numpy as np
import tensorflow as tf, tf_slim
import jupyter_scope
from tensorflow.python.framework import ops
from tf_slim.nets import inception_v3
v1 = tf.compat.v1
CKPT = {ckpt!r}
# tf-slim 1.1 on TF 2.21: the alias its BatchNorm reads, and its fused path
# (tests/corpus/tf_truth.py, `allow_tf_slim_batch_norm`).
ops.Tensor = tf.Tensor
def slim_scope():
    return tf_slim.arg_scope([tf_slim.batch_norm], zero_debias_moving_mean=True)
with tf.Graph().as_default():
    with tf_slim.arg_scope(inception_v3.inception_v3_arg_scope()), slim_scope():
        inception_v3.inception_v3(v1.placeholder(tf.float32, [1, 299, 299, 3]), num_classes=1001)
    with v1.Session() as session:
        session.run(v1.global_variables_initializer())
        v1.train.Saver().save(session, CKPT)"""

MODEL = """\
%%scopes incep --graph
images = v1.placeholder(tf.float32, [2, 299, 299, 3])
with tf_slim.arg_scope(inception_v3.inception_v3_arg_scope()), slim_scope():
    logits, _ = inception_v3.inception_v3(images, num_classes=10)
    # The eval tower: TF tells, through a custom getter, each variable it hands out again.
    reused = set()
    def getter(get, *args, **kwargs):
        variable = get(*args, **kwargs)
        reused.add(variable.op.name)
        return variable
    with v1.variable_scope(v1.get_variable_scope(), custom_getter=getter):
        inception_v3.inception_v3(images, num_classes=10, is_training=False, reuse=True)
step = v1.train.get_or_create_global_step()
train = v1.train.AdamOptimizer().minimize(tf.reduce_mean(logits), global_step=step)"""

MATCH = "incep.match(jupyter_scope.load(CKPT))"

# TF's own answers, from the graph the cell built and the checkpoint's reader.
TRUTH = """\
graph = train.graph
with graph.as_default():
    model = tf_slim.get_model_variables()
    every = v1.global_variables()
size = lambda v: int(np.prod(v.shape.as_list()))
by_child = {}
for v in model:
    child = "/".join(v.op.name.split("/")[:2])
    by_child[child] = by_child.get(child, 0) + size(v)
parts = [name.split("/") for name in reused]
scopes = {"/".join(p[:k]) for p in parts for k in range(1, len(p))}
saved = v1.train.load_checkpoint(CKPT).get_variable_to_shape_map()
print(json.dumps({
    "top10": sorted(by_child, key=lambda c: -by_child[c])[:10],
    "reused": len(reused),
    "reused_rows": len(reused) + len(scopes),
    "mismatch": sorted(v.op.name for v in model if saved[v.op.name] != v.shape.as_list()),
    "shapes": {v.op.name: [v.shape.as_list(), saved[v.op.name]] for v in model
               if saved[v.op.name] != v.shape.as_list()},
    "expected": len({v.op.name for v in every} - set(saved)),
    "user_line": 4,
}))"""

WIDGET = ".jp-OutputArea .jp-Scope-widget"
LEVEL_ROWS = """root => [...root.querySelectorAll('.jp-Scope-row')]
  .sort((a, b) => a.dataset.index - b.dataset.index)
  .map(e => [e.dataset.name ?? '', Number(e.getAttribute('aria-level'))])"""
CUT = """root => {
  const box = root.querySelector('.jp-Scope-tree').getBoundingClientRect();
  const whole = e => e.scrollWidth <= e.clientWidth + 1
    && e.getBoundingClientRect().right <= box.right + 1;
  return [...root.querySelectorAll('.jp-Scope-row :is(.jp-Scope-badge, .jp-Scope-device)')]
    .filter(e => !whole(e)).map(e => e.textContent);
}"""


def chip(tree, key: str):
    return tree.locator(f'.jp-Scope-filter[data-key="{key}"]')


def test_one_click_answers_on_inception_v3(server, page, tmp_path, artifacts) -> None:
    name = f"find-{server.app}.ipynb"
    ckpt = str(tmp_path / "inception_v3_1001")
    write_notebook(
        server.root / name, ["%load_ext jupyter_scope", SAVE.format(ckpt=ckpt), MODEL, MATCH]
    )
    page.set_viewport_size({"width": 1500, "height": 1100})
    open_notebook(page, server, name)
    run_all(page, 1)
    # The match's tree, as the lab's renderer draws it (a match has no widget).
    match = page.locator(".jp-Notebook .jp-Cell").nth(3).locator(".jp-Scope-output")
    match.locator(".jp-Scope-row").first.wait_for(timeout=120_000)
    truth = json.loads(kernel_eval(page, TRUTH))
    tree = page.locator(WIDGET)

    # The 10 biggest scopes by params: one choice, each scope's children largest first.
    tree.locator(".jp-Scope-sort").select_option("params")
    rows = tree.evaluate(LEVEL_ROWS)
    top = rows.index(["InceptionV3", 1])
    assert [name for name, level in rows[top + 1 : top + 11]] == truth["top10"]
    assert all(level == 2 for _, level in rows[top + 1 : top + 11])
    # Each with a bar of its share of the model's params, largest first.
    shares = tree.locator('.jp-Scope-row[aria-level="2"] .jp-Scope-shareFill').evaluate_all(
        "els => els.map(e => parseFloat(e.style.width))"
    )
    assert shares[:10] == sorted(shares[:10], reverse=True) and shares[0] > 0
    label = tree.locator(".jp-Scope-row[data-name='InceptionV3'] .jp-Scope-share")
    assert re.fullmatch(r"\d+(\.\d)?% of the report’s params", label.get_attribute("title"))

    # Every reused variable: one toggle, showing its count; they and their scopes shown.
    reused = chip(tree, "reused")
    assert reused.locator(".jp-Scope-filterCount").text_content() == str(truth["reused"])
    reused.click()
    count = tree.locator(".jp-Scope-count")
    assert count.text_content() == f"{truth['reused_rows']} shown"
    drawn = tree.locator(".jp-Scope-variable")
    assert drawn.count() > 0
    for i in range(drawn.count()):
        badges = drawn.nth(i).locator(".jp-Scope-badge").all_text_contents()
        assert any(b.startswith("reused") for b in badges), badges
    reused.click()
    assert count.text_content() == ""

    # Every problem of the match: one toggle in the match's tree (the lab's renderer).
    assert chip(match, "missing").locator(".jp-Scope-filterCount").text_content() == "0"
    expected = chip(match, "expected").locator(".jp-Scope-filterCount").text_content()
    assert expected == str(truth["expected"])
    chip(match, "mismatch").click()
    shown = match.evaluate(LEVEL_ROWS)
    variables = match.locator(".jp-Scope-variable")
    names = sorted(variables.evaluate_all("els => els.map(e => e.dataset.name)"))
    assert names == truth["mismatch"] and len(names) == 4, shown
    for i in range(variables.count()):
        row = variables.nth(i)
        ours, theirs = truth["shapes"][row.get_attribute("data-name")]
        text = f"shape [{','.join(map(str, ours))}] ≠ [{','.join(map(str, theirs))}]"
        assert row.locator(".jp-Scope-badge-match").text_content() == text
    assert match.evaluate(CUT) == []

    # Text that fits at 800 px: the tree takes the width, no badge or chip is cut.
    page.set_viewport_size({"width": 800, "height": 1100})
    page.wait_for_timeout(300)
    pane = tree.locator(".jp-Scope-detailsPane")
    assert not pane.is_visible()
    page.screenshot(path=artifacts / f"find-{server.app}-800px.png")
    assert tree.evaluate(CUT) == []
    assert match.evaluate(CUT) == []

    # A call line is a link to the cell and line that made the variable.
    weights = "InceptionV3/Conv2d_1a_3x3/weights"
    tree.locator(".jp-Scope-search").fill("Conv2d_1a_3x3/weights")
    tree.locator(f'.jp-Scope-row[data-name="{weights}"] .jp-Scope-name').click()
    assert pane.is_visible()
    link = pane.locator(".jp-Scope-site").first
    assert link.get_attribute("title").endswith(f":{truth['user_line']}")
    link.click()
    page.wait_for_function(
        """line => {
          const nb = window.jupyterapp.shell.currentWidget.content;
          return nb.activeCellIndex === 2 && nb.activeCell.editor.getCursorPosition().line === line;
        }""",
        arg=truth["user_line"] - 1,
    )


SMALL = """\
%%scopes small
import numpy as np, keras
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="dense")])
model(np.zeros((1, 4)))"""

# The same report, its kernel 3 wide in a "checkpoint": one shape mismatch.
SMALL_MATCH = """\
import copy
other = copy.deepcopy(small.to_dict())
for node in other["graph"]["nodes"]:
    if node["name"].endswith("dense/kernel"):
        node["shape"] = [4, 5]
small.match(jupyter_scope.ScopeReport.from_dict(other))"""

# WCAG's contrast ratio of an element's text against its own background.
CONTRAST = """e => {
  const rgb = c => c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
  const lum = c => {
    const [r, g, b] = rgb(c).map(v => v / 255)
      .map(v => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const style = getComputedStyle(e);
  const [a, b] = [lum(style.color), lum(style.backgroundColor)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


def test_legend_fields_and_a_selected_mismatch_in_the_dark(
    lab, page, browser_page, tmp_path
) -> None:
    write_notebook(
        lab.root / "small.ipynb",
        ["%load_ext jupyter_scope\nimport jupyter_scope", SMALL, SMALL_MATCH],
    )
    open_notebook(page, lab, "small.ipynb")
    run_all(page, 1)
    tree = page.locator(WIDGET)
    display = json.loads(kernel_eval(page, "import json; print(json.dumps(small.display))"))

    # A legend of the device colours the chips and mix bars use.
    coloured = sorted({d["short"] for d in display["devices"].values() if d["colour"]})
    assert coloured
    legend = tree.locator(".jp-Scope-legend .jp-Scope-device").all_text_contents()
    assert sorted(legend) == coloured

    # A Keras variable's details: no field without a value (none reads it in a graph).
    kernel = next(v for v in json.loads(kernel_eval(page, KERAS_NAMES)) if v.endswith("kernel"))
    tree.locator(f'.jp-Scope-row[data-name="{kernel}"] .jp-Scope-name').click()
    values = tree.locator(".jp-Scope-details .jp-Scope-fieldValue").all_text_contents()
    assert values and all(v.strip() for v in values)

    # The mismatch badge on the selected row stays readable in the dark theme (WCAG AA).
    match = page.locator(".jp-Notebook .jp-Cell").nth(2).locator(".jp-Scope-output")
    row = match.locator(f'.jp-Scope-row[data-name="{kernel}"]')
    row.locator(".jp-Scope-name").click()
    assert "jp-mod-selected" in row.get_attribute("class")
    for theme in ("JupyterLab Light", "JupyterLab Dark"):
        set_theme(page, theme)
        badge = row.locator(".jp-Scope-badge-match")
        assert badge.text_content() == "shape [4,3] ≠ [4,5]"
        assert badge.evaluate(CONTRAST) >= 4.5, theme

    # The Scopes panel at its narrowest: every export format still in reach.
    open_panel(page)
    panel = page.locator(PANEL)
    page.set_viewport_size({"width": 900, "height": 900})
    exports = panel.locator(".jp-Scope-exports button")
    box = panel.bounding_box()
    assert exports.count() == 6
    for i in range(exports.count()):
        b = exports.nth(i).bounding_box()
        assert b and b["x"] + b["width"] <= box["x"] + box["width"] + 1, exports.nth(
            i
        ).text_content()

    # The exported page sorts and filters as the notebook's views do, offline.
    page_file = tmp_path / "small.html"
    assert kernel_eval(page, f"small.export({str(page_file)!r}); print('ok')").strip() == "ok"
    browser_page.goto(page_file.as_uri())
    browser_page.wait_for_selector(".jp-Scope-row")
    sorts = browser_page.locator(".jp-Scope-sort option").evaluate_all("os => os.map(o => o.value)")
    assert sorts[:5] == ["order", "name", "params", "bytes", "n_ops"]
    created = browser_page.locator('.jp-Scope-filter[data-key="created"]')
    assert created.locator(".jp-Scope-filterCount").text_content() == str(
        display["summary"]["created"]
    )
    created.click()
    assert browser_page.locator(".jp-Scope-count").text_content().endswith(" shown")
    assert browser_page.events["requests"] == [page_file.as_uri()]


KERAS_NAMES = "import json; print(json.dumps([v['name'] for v in small.variables]))"


PROFILED = """\
%%scopes prof --profile
import tensorflow as tf
dense = tf.keras.layers.Dense(64, name="dense")

@tf.function
def step(x):
    with tf.name_scope("block"):
        return tf.reduce_sum(dense(tf.nn.relu(x)))

for _ in range(3):
    step(tf.ones([32, 64]))"""


def test_where_the_time_goes_and_the_time_column(lab, page) -> None:
    """A profiled cell: the list of where the time goes, as Python ranked it, each a jump
    to its scope; sorting by time draws each row's share."""
    write_notebook(lab.root / "prof.ipynb", ["%load_ext jupyter_scope", PROFILED])
    open_notebook(page, lab, "prof.ipynb")
    run_all(page, 1)
    tree = page.locator(WIDGET)
    timed = json.loads(kernel_eval(page, "import json; print(json.dumps(prof.display['time']))"))
    assert timed
    items = tree.locator(".jp-Scope-timeItem")
    assert items.all_text_contents() == [entry["text"] for entry in timed]
    sorts = tree.locator(".jp-Scope-sort option").evaluate_all("os => os.map(o => o.value)")
    assert "micros" in sorts
    tree.locator(".jp-Scope-sort").select_option("micros")
    tree.locator(".jp-Scope-opsSwitch").click()  # the time is the ops'
    assert tree.locator(".jp-Scope-row .jp-Scope-share").count() > 0
    named = next(entry for entry in timed if entry["name"] != "(top level)")
    items.nth(timed.index(named)).click()
    selected = tree.locator(".jp-Scope-row.jp-mod-selected")
    assert selected.get_attribute("data-name") == named["name"]
