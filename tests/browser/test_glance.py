"""Readable at a glance, in a real JupyterLab and Chromium: call lines, ops out of sight
until asked for, whole names, the details pane, merged diagnostics, one-line report
cards, and the same in the standalone page."""

from __future__ import annotations

import json
import re

import pytest

from tests.browser.lab import (
    PANEL,
    REPORTS,
    kernel_eval,
    open_notebook,
    open_panel,
    run_all,
    write_notebook,
)

pytestmark = pytest.mark.browser

# A helper called from two lines of the cell: one create and twenty reuses of one
# variable; three `tf.Variable`s asked for one name (TF renames two: two warnings); and a
# likely typo between two sibling scopes.
CALLS_CELL = """\
%%scopes calls --graph
def layer(x, name):
    with tf.compat.v1.variable_scope(name, reuse=tf.compat.v1.AUTO_REUSE):
        w = tf.compat.v1.get_variable("a_rather_long_weights_name_shown_whole", [3, 3])
    return tf.matmul(x, w)
x = tf.ones([1, 3])
for _ in range(20):
    x = layer(x, "cell")
x = layer(x, "cell")
for name in ("encoder", "encodr"):
    with tf.compat.v1.variable_scope(name, reuse=tf.compat.v1.AUTO_REUSE):
        tf.compat.v1.get_variable("w", [1])
v = [tf.Variable(1.0, name="v") for _ in range(3)]
"""
WEIGHTS = "cell/a_rather_long_weights_name_shown_whole"
TREE = ".jp-OutputArea .jp-Scope-widget"

# The kernel's report of CALLS_CELL, as `calls`; and what it displays.
CALLS = """\
import json, jupyter_scope
calls = [r for r in jupyter_scope.reports if r.meta["name"] == "calls"][-1]
by_name = lambda name: next(v["id"] for v in calls.variables if v["name"] == name)
"""
KERNEL_DISPLAY = CALLS + "print(json.dumps(calls.display))"

CUT_NAMES = """root => [...root.querySelectorAll('.jp-Scope-row .jp-Scope-nameStart')]
  .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"""
# What is never cut: a name's end, badges, device chips.
CUT_PARTS = """root => [...root.querySelectorAll(
    '.jp-Scope-row :is(.jp-Scope-nameEnd, .jp-Scope-badge, .jp-Scope-device)')]
  .filter(e => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right
    > e.closest('.jp-Scope-tree').getBoundingClientRect().right + 1)
  .map(e => e.textContent)"""


def details(page, root: str) -> list[tuple[str, str]]:
    return page.eval_on_selector_all(
        f"{root} .jp-Scope-field",
        """els => els.map(e => [e.querySelector('.jp-Scope-fieldName').textContent,
                             e.querySelector('.jp-Scope-fieldValue').textContent])""",
    )


def test_readable_in_the_cell_the_sidebar_and_the_page(lab, page, browser_page, tmp_path):
    write_notebook(
        lab.root / "calls.ipynb", ["%load_ext jupyter_scope", "import tensorflow as tf", CALLS_CELL]
    )
    open_notebook(page, lab, "calls.ipynb")
    run_all(page, 1)
    display = json.loads(kernel_eval(page, KERNEL_DISPLAY))
    tree = page.locator(TREE)

    # Ops stay out of sight: variables only, until the ops switch is pressed.
    assert tree.locator(".jp-Scope-group").count() == 0
    rows = tree.locator(".jp-Scope-row")
    kinds = rows.evaluate_all("els => els.map(e => e.classList[1])")
    assert "jp-Scope-op" not in kinds and "jp-Scope-variable" in kinds
    switch = tree.locator(".jp-Scope-opsSwitch")
    assert switch.text_content() == f"Ops ({display['summary']['ops']})"
    switch.click()
    tree.locator(".jp-Scope-group").first.wait_for()
    switch.click()
    assert tree.locator(".jp-Scope-group").count() == 0

    # Whole names, facts giving way (the widget is as wide as the notebook).
    assert tree.evaluate(CUT_NAMES) == []

    # The details pane: call lines first, as the kernel wrote them, grouped with counts.
    tree.locator(f'.jp-Scope-row[data-name="{WEIGHTS}"] .jp-Scope-name').click()
    fields = details(page, TREE)
    assert fields[0][0] == "created and reused"
    weights = json.loads(kernel_eval(page, CALLS + f"print(json.dumps(by_name({WEIGHTS!r})))"))
    lines = [display["sites"][i]["text"] for i in display["nodes"][weights]["sites"]]
    shown = (
        tree.locator(".jp-Scope-details .jp-Scope-field").first.locator("li").all_text_contents()
    )
    assert shown == lines
    assert re.fullmatch(r"create at In \[\d+\]:4 ← In \[\d+\]:8", lines[0])
    assert re.fullmatch(r"reuse ×20 at In \[\d+\]:4 ← In \[\d+\]:8 ×19, In \[\d+\]:9 ×1", lines[1])
    assert {"is", "use", "made by", "trainable"} <= {label for label, _ in fields}
    assert not any(
        label in {"reuse_count", "n_variables", "device_requested"} for label, _ in fields
    )

    # Diagnostics merged by code: one box each, a count, the advice stated once.
    boxes = tree.locator(".jp-Scope-diagnostic")
    codes = boxes.locator(".jp-Scope-code").all_text_contents()
    assert codes == [g["code"] for g in display["diagnostics"]]
    assert len(codes) == len(set(codes))
    duplicate = boxes.filter(has_text="duplicate-name")
    assert duplicate.locator(".jp-Scope-times").text_content() == "×2"
    assert duplicate.locator(".jp-Scope-advice").count() == 1
    assert "similar-scope-names" in codes

    # The sidebar: one-line cards that are buttons; in its narrow tree a long name is cut
    # in the middle, its end whole, and no badge is cut.
    open_panel(page)
    card = page.locator(REPORTS).first
    assert card.evaluate("e => e.tagName") == "BUTTON"
    height = card.evaluate("e => e.getBoundingClientRect().height")
    line = card.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || 16")
    assert height < 2.5 * line
    page.locator(f"{PANEL} .jp-Scope-row").first.wait_for()
    cut = page.locator(PANEL).evaluate(CUT_NAMES)
    assert cut == [] or all(WEIGHTS.split("/")[-1].startswith(name) for name in cut), cut
    assert page.locator(PANEL).evaluate(CUT_PARTS) == []

    # The standalone page, offline: the same whole names and the ops switch.
    path = tmp_path / "calls.html"
    assert kernel_eval(page, CALLS + f"calls.export({str(path)!r})") == ""
    browser_page.goto(path.as_uri())
    browser_page.wait_for_selector(".jp-Scope-row")
    assert browser_page.evaluate(f"() => ({CUT_NAMES})(document)") == []
    assert browser_page.locator(".jp-Scope-group").count() == 0
    browser_page.locator(".jp-Scope-opsSwitch").click()
    browser_page.locator(".jp-Scope-group").first.wait_for()
