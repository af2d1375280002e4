"""What TF never ran stays out of sight, one click away, in Chromium: a Keras model with
a custom layer (Keras traces it in a `scratch_graph` it never runs) exported to the
standalone page; the same tree the widget, the lab renderer and the panel draw."""

from __future__ import annotations

import pytest

import jupyter_scope
from jupyter_scope.records import NEVER_RAN

pytestmark = pytest.mark.browser


def test_traces_that_never_ran_are_apart_folded_and_one_click_away(tf, browser_page, tmp_path):
    keras = pytest.importorskip("keras")

    class Scale(keras.layers.Layer):
        def build(self, shape):
            self.w = self.add_weight(shape=(), initializer="ones")

        def call(self, x):
            return tf.nn.relu(x * self.w)

    with jupyter_scope.record() as rec:
        i = keras.Input((3,))
        keras.Model(i, Scale()(i))
    report = rec.report
    hidden = [o for o in report.ops if o.get("ran") is False]
    assert hidden  # the scratch graph's ops: kept, and counted in no total
    page = browser_page
    page.goto(report.export(tmp_path / "r.html").as_uri())
    page.wait_for_selector(".jp-Scope-row")
    assert page.locator(f'.jp-Scope-row[data-name="{NEVER_RAN}"]').count() == 0  # ops off
    page.locator(".jp-Scope-opsSwitch").click()
    row = page.locator(f'.jp-Scope-row[data-name="{NEVER_RAN}"]')
    row.wait_for()
    top = page.eval_on_selector_all(
        '.jp-Scope-row[aria-level="1"]', "rows => rows.map(r => r.dataset.name)"
    )
    assert top[-1] == NEVER_RAN  # last, after everything that ran
    assert "jp-mod-neverRan" in row.get_attribute("class")
    assert row.get_attribute("aria-expanded") == "false"
    assert f"{len(hidden)} ops TF never ran" in row.inner_text()
    inside = f'.jp-Scope-row[data-name^="{NEVER_RAN}/"]'
    assert page.locator(inside).count() == 0
    row.click()
    page.keyboard.press("ArrowRight")  # one step: open it
    page.locator(f'.jp-Scope-row[data-name="{NEVER_RAN}/scratch_graph"]').wait_for()
    assert page.events["errors"] == []
