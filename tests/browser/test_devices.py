"""The tree's device views in a real JupyterLab and Chromium: per-scope device mix, the
device filter and "colour by device", on two logical CPUs of a fresh kernel."""

from __future__ import annotations

import json

import pytest

from tests.browser.lab import kernel_eval, open_notebook, run_all, set_theme, write_notebook

pytestmark = pytest.mark.browser

TREE = ".jp-OutputArea .jp-Scope-widget"
CPU0 = "/job:localhost/replica:0/task:0/device:CPU:0"

# Before anything starts TF's runtime: two logical CPUs, as TF's own tests do on CPU hosts.
LOGICAL_CPUS = """\
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
"""

PLACED_CELL = """\
%%scopes placed
with tf.name_scope("model"):
    with tf.name_scope("on_cpu0"):
        with tf.device("/CPU:0"):
            w = tf.Variable(tf.ones([3, 3]), name="w")
            a = tf.matmul(w, w, name="a")
    with tf.name_scope("on_cpu1"):
        with tf.device("/CPU:1"):
            b = tf.add(a, 1.0, name="b")
    c = tf.nn.relu(b, name="c")
"""


def rgb(hex: str) -> str:
    """`#4e79a7` → `rgb(78, 121, 167)`, as computed styles give it."""
    return "rgb({}, {}, {})".format(*(int(hex[i : i + 2], 16) for i in (1, 3, 5)))


def row_names(page) -> list[str]:
    return page.eval_on_selector_all(
        f"{TREE} .jp-Scope-row", "els => els.map(e => e.dataset.name || e.textContent)"
    )


COUNTS = """import json
device = [f for f in placed.display["filters"] if f["group"] == "device"]
print(json.dumps({f["key"]: f["count"] for f in device}))"""


def test_device_mix_filter_and_colours(lab, page, artifacts) -> None:
    write_notebook(
        lab.root / "devices.ipynb", [LOGICAL_CPUS, "%load_ext jupyter_scope", PLACED_CELL]
    )
    open_notebook(page, lab, "devices.ipynb")
    try:
        check_devices(page, artifacts)
    finally:  # the next tests share the server: leave no kernel running
        page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")


def check_devices(page, artifacts) -> None:
    run_all(page, 1)
    tree = page.locator(TREE)
    tree.locator(".jp-Scope-opsSwitch").click()  # this story is the ops' placement
    tree.get_by_role("button", name="Expand all").click()

    # The device mix of `model`: 7 on CPU:0, 1 on CPU:1, each in its chips' colour.
    model = tree.locator('.jp-Scope-scope[data-name="model"]')
    parts = model.locator(".jp-Scope-mixPart")
    assert parts.count() == 2
    assert model.locator(".jp-Scope-mix").get_attribute("title") == "CPU:0: 7 · CPU:1: 1"
    # Styles are read once the rows are drawn and styled: read in the middle of a redraw
    # (after Expand all), the bar gave no colour at all (once in a CI run).
    page.wait_for_function(
        "sel => [...document.querySelectorAll(sel)]"
        ".every(p => getComputedStyle(p).backgroundColor)",
        arg=f'{TREE} .jp-Scope-scope[data-name="model"] .jp-Scope-mixPart',
    )
    bar = parts.evaluate_all(
        "ps => ps.map(p => [p.dataset.device, getComputedStyle(p).backgroundColor])"
    )
    chips = model.locator(".jp-Scope-device").evaluate_all(
        "cs => cs.map(c => [c.textContent,"
        " getComputedStyle(c).getPropertyValue('--jp-Scope-device-colour').trim()])"
    )
    assert [d for d, _ in bar] == [d for d, _ in chips] == ["CPU:0", "CPU:1"]
    assert bar[0][1] != bar[1][1]
    assert [colour for _, colour in bar] == [rgb(hex) for _, hex in chips]

    # The filter lists the report's devices and keeps ancestors of what is on one.
    select = tree.get_by_label("Show only what is on a device")
    # Each with how many variables and ops are on it, as the kernel counts them.
    options = select.locator("option").all_inner_texts()
    counts = json.loads(kernel_eval(page, COUNTS))
    assert options == ["All devices", *(f"{d} ({counts[d]})" for d in ("CPU:0", "CPU:1"))]
    select.select_option("CPU:1")
    names = row_names(page)
    assert "model" in names and "model/on_cpu1" in names and "model/on_cpu1/AddV2" in names
    assert not any("on_cpu0" in n or n == "model/Relu" for n in names), names
    page.screenshot(path=artifacts / "devices-filter-light.png")

    # It composes with the name search.
    search = tree.locator(".jp-Scope-search")
    search.fill("relu")
    assert tree.locator(".jp-Scope-tree .jp-Scope-hint").inner_text() == "Nothing matches on CPU:1."
    select.select_option("CPU:0")
    assert "model/Relu" in row_names(page)
    search.fill("")
    select.select_option("")
    assert "model/on_cpu0/w" in row_names(page) and "model/on_cpu1" in row_names(page)

    # "Colour by device" tints rows on one device with its colour.
    toggle = tree.get_by_role("button", name="Colour by device")
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    on_cpu1 = tree.locator('.jp-Scope-scope[data-name="model/on_cpu1"]')
    shadow = on_cpu1.evaluate("e => getComputedStyle(e).boxShadow")
    assert bar[1][1] in shadow, shadow
    mixed = tree.locator('.jp-Scope-scope[data-name="model"]')  # two devices: no tint
    assert mixed.evaluate("e => getComputedStyle(e).boxShadow").startswith("rgba(0, 0, 0, 0)")
    tree.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "devices-light.png")
    set_theme(page, "JupyterLab Dark")
    page.screenshot(path=artifacts / "devices-dark.png")
    set_theme(page, "JupyterLab Light")
