"""The tree widget of a `%%scopes` cell in a real JupyterLab and Chromium."""

from __future__ import annotations

import json

import nbformat
import pytest

from tests.browser.lab import (
    LAST_WIDGET,
    SHARING_CELL,
    command,
    kernel_eval,
    open_notebook,
    run_all,
    set_theme,
    write_notebook,
)

pytestmark = pytest.mark.browser

TREE = ".jp-OutputArea .jp-Scope-widget"


def row_names(page) -> list[str]:
    return page.eval_on_selector_all(
        f"{TREE} .jp-Scope-row", "els => els.map(e => e.dataset.name || e.textContent)"
    )


def test_widget_tree_search_and_selection(lab, page, artifacts) -> None:
    write_notebook(lab.root / "widget.ipynb", ["%load_ext jupyter_scope", SHARING_CELL])
    open_notebook(page, lab, "widget.ipynb")
    run_all(page, 1)

    # Exactly one tree: the live widget; the JSON fallback of the same output hides.
    assert page.locator(".jp-OutputArea .jp-Scope-root:visible").count() == 1
    tree = page.locator(TREE)
    names = row_names(page)
    for name in ("image_filters/conv1/weights", "image_filters/conv1/biases",
                 "image_filters/conv2/weights"):  # fmt: skip
        assert name in names
    assert "image_filters/conv1/weights/Initializer" not in names  # scopes of ops only stay shut
    weights = tree.locator('.jp-Scope-variable[data-name="image_filters/conv1/weights"]')
    assert weights.locator(".jp-Scope-badge-created").inner_text() == "created"
    assert weights.locator(".jp-Scope-badge-reused").inner_text() == "reused ×1"
    facts = weights.locator(".jp-Scope-facts").text_content()
    assert facts.startswith("[5,5,32,32] · float32 · 25.6K params · 102.4 kB")
    assert "4 variables (4 created, 4 reused)" in tree.locator(".jp-Scope-summaryLine").inner_text()
    page.screenshot(path=artifacts / "widget-light.png")

    tree.get_by_role("button", name="Collapse all").click()
    assert "image_filters/conv1/weights" not in row_names(page)
    tree.get_by_role("button", name="Expand all").click()
    assert "image_filters/conv1/weights" in row_names(page)

    # Ops stay out of sight until the ops switch shows them; op groups are then collapsed,
    # and a click opens one and shows its ops.
    assert tree.locator(".jp-Scope-group").count() == 0
    tree.locator(".jp-Scope-opsSwitch").click()
    assert tree.locator(".jp-Scope-op").count() == 0
    group = tree.locator(".jp-Scope-group").first
    group.click()
    assert group.get_attribute("aria-expanded") == "true"
    assert tree.locator(".jp-Scope-op").count() > 0

    tree.locator(".jp-Scope-search").fill("biases")
    names = row_names(page)
    assert "image_filters/conv1/biases" in names
    assert "image_filters/conv2/biases" in names
    assert all("biases" in name for name in names if name.count("/") >= 2), names

    # Browser → kernel: clicking a node sets `widget.selected`.
    tree.locator(".jp-Scope-search").fill("conv1/weights")
    weights.locator(".jp-Scope-name").click()
    tree.locator(".jp-Scope-search").fill("")
    assert "weights" in tree.locator(".jp-Scope-detailsName").inner_text()
    assert "create at In [" in tree.locator(".jp-Scope-details").inner_text()
    out = kernel_eval(page, LAST_WIDGET + "print(w.selected)")
    assert out.strip() == "image_filters/conv1/weights"

    # Kernel → browser: setting it selects and reveals the node.
    kernel_eval(page, LAST_WIDGET + "w.selected = 'image_filters/conv2/biases'")
    selected = tree.locator(".jp-Scope-row.jp-mod-selected")
    selected.wait_for()
    assert selected.get_attribute("data-name") == "image_filters/conv2/biases"
    assert "jp-Scope-variable" in selected.get_attribute("class")

    page.screenshot(path=artifacts / "widget-selected.png")
    set_theme(page, "JupyterLab Dark")
    page.screenshot(path=artifacts / "widget-dark.png")
    assert tree.locator(".jp-Scope-row.jp-mod-selected").is_visible()
    set_theme(page, "JupyterLab Light")


# JupyterLab's "save widget state" setting, turned on or off.
SAVE_STATE = """async (on) => window.jupyterapp.serviceManager.settings.save(
  '@jupyter-widgets/jupyterlab-manager:plugin', JSON.stringify({ saveState: on }))"""


def test_saved_widget_state_holds_no_report_and_reopens_as_the_outputs_tree(lab, page) -> None:
    """JupyterLab's "save widget state" on: the saved state has the widget's model but not
    its report; reopened with no kernel, or with a new one, the output shows one tree, the
    report JSON's."""
    write_notebook(lab.root / "state.ipynb", ["%load_ext jupyter_scope", SHARING_CELL])
    open_notebook(page, lab, "state.ipynb")
    page.evaluate(SAVE_STATE, True)
    try:
        open_notebook(page, lab, "state.ipynb")  # the widget manager reads the setting anew
        run_all(page, 1)
        command(page, "docmanager:save")
        page.wait_for_function(
            "() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=30_000
        )
        saved = nbformat.read(lab.root / "state.ipynb", as_version=4)
        models = saved.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
        (scope,) = [m for m in models.values() if "_esm" in m["state"]]
        assert scope["state"]["selected"] == ""
        assert "report" not in scope["state"]
        assert not any("jupyter-scope.report" in json.dumps(m) for m in models.values())
        page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
        assert lab.api("kernels") == []

        page.goto(lab.url("lab/workspaces/widget-state-test") + "&reset")
        page.wait_for_function("() => window.jupyterapp?.shell?.isAttached", timeout=60_000)
        page.evaluate(
            """() => window.jupyterapp.commands.execute('docmanager:open', {
                 path: 'state.ipynb', factory: 'Notebook',
                 kernelPreference: { shouldStart: false, canStart: false } })"""
        )
        page.wait_for_selector(".jp-OutputArea .jp-Scope-static .jp-Scope-row", timeout=60_000)
        output = page.locator(".jp-OutputArea .jp-Scope-output")
        assert output.count() == 1
        assert output.locator(".jp-Scope-root:visible").count() == 1
        assert output.locator(".jp-Scope-static").is_visible()
        shown = output.locator(".jp-Scope-static .jp-Scope-variable")
        names = shown.evaluate_all("els => els.map(e => e.dataset.name)")
        assert "image_filters/conv1/weights" in names
        assert page.locator(".jp-OutputArea-output:visible", has_text="Error").count() == 0
        assert lab.api("kernels") == []

        # Reopened with a new kernel, not run: no widget of the kernel's to ask for the report
        # (JupyterLab 4.x does not restore an anywidget model from saved state here: its
        # view says "Loading widget…", hidden), so again the report JSON's tree.
        open_notebook(page, lab, "state.ipynb")
        page.wait_for_selector(".jp-OutputArea .jp-Scope-static .jp-Scope-row")
        output = page.locator(".jp-OutputArea .jp-Scope-output")
        assert output.locator(".jp-Scope-live .jp-Scope-widget").count() == 0
        assert output.locator(".jp-Scope-root:visible").count() == 1
        assert output.locator(".jp-Scope-static").is_visible()
        assert page.locator(".jp-OutputArea-output:visible", has_text="Error").count() == 0
    finally:
        page.evaluate(SAVE_STATE, False)
