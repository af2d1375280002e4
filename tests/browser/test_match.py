"""A match shown in a real JupyterLab and Chromium: the output renderer draws the tree
coloured by match state, and the Scopes panel lists it, all from the kernel's document."""

from __future__ import annotations

import json

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

# A checkpoint of `net/`, and a model renamed to `new/` with `w` resized and `d` added.
SAVE_CELL = """\
import tensorflow as tf
v1 = tf.compat.v1
with tf.Graph().as_default():
    v1.get_variable("net/w", [3, 3])
    v1.get_variable("net/b", [3])
    with v1.Session() as session:
        session.run(v1.global_variables_initializer())
        v1.train.Saver().save(session, "ckpt/m.ckpt")
"""
MATCH_CELL = """\
%%scopes finetune --graph --checkpoint ckpt/m.ckpt
v1.get_variable("new/w", [3, 5])
v1.get_variable("new/b", [3])
v1.get_variable("new/d", [2])
"""
KERNEL_DISPLAY = """\
import json, jupyter_scope
tree = finetune.match(jupyter_scope.load("ckpt/m.ckpt")).tree
print(json.dumps({"display": tree.display, "names": {v["id"]: v["name"] for v in tree.variables}}))
"""
OUTPUT = ".jp-OutputArea .jp-Scope-output"


def test_match_tree_in_the_cell_and_the_panel(lab, page):
    write_notebook(lab.root / "match.ipynb", ["%load_ext jupyter_scope", SAVE_CELL, MATCH_CELL])
    open_notebook(page, lab, "match.ipynb")
    run_all(page, 1)
    shown = json.loads(kernel_eval(page, KERNEL_DISPLAY))
    display, names = shown["display"], shown["names"]
    tree = page.locator(OUTPUT).last
    tree.locator(".jp-Scope-row").first.wait_for()
    assert tree.locator(".jp-Scope-summaryLine").text_content() == display["summary"]["line"]
    assert display["summary"]["line"] == "1 matched (1 renamed), 1 missing, 1 shape mismatch"

    expected = {
        names[node]: (
            [
                display["badges"][i]["text"]
                for i in entry["badges"]
                if display["badges"][i]["kind"] == "match"
            ],
            entry["colour"],
        )
        for node, entry in display["nodes"].items()
        if node in names
    }
    rows = tree.locator(".jp-Scope-row.jp-Scope-variable").evaluate_all(
        """els => els.map(e => [
          e.dataset.name,
          [...e.querySelectorAll('.jp-Scope-badge-match')].map(b => b.textContent),
          e.classList.contains('jp-mod-state')
            ? e.style.getPropertyValue('--jp-Scope-state-colour') : null,
        ])"""
    )
    assert {name: (badges, colour) for name, badges, colour in rows} == expected
    assert expected["new/w"][0] == ["shape [3,5] ≠ [3,3]"]
    assert expected["new/b"][0] == ["← net/b"]
    # tree.css fills a match badge with its row's state colour, white on it
    badge = tree.locator('.jp-Scope-row[data-name="new/w"] .jp-Scope-badge-match')
    red, green, blue = (int(expected["new/w"][1][i : i + 2], 16) for i in (1, 3, 5))
    style = badge.evaluate("e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]")
    assert style == [f"rgb({red}, {green}, {blue})", "rgb(255, 255, 255)"]

    # The Scopes panel lists the match's tree as a report of its own, by its name.
    open_panel(page)
    cards = page.locator(REPORTS).evaluate_all(
        """els => els.map(e => [e.querySelector('.jp-Scope-reportName')?.textContent ?? null,
                             e.querySelector('.jp-Scope-reportCounts').textContent])"""
    )
    assert ["finetune vs m.ckpt", display["card"]["counts"]] in cards
    page.locator(REPORTS, has_text="finetune vs m.ckpt").click()
    page.locator(f"{PANEL} .jp-Scope-row.jp-mod-state").first.wait_for()
