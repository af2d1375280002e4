"""Shared fixtures. TensorFlow is real everywhere; graph-mode tests get a fresh tf.Graph.

Helpers that are not fixtures live in `tests/helpers.py` (reports) and `tests/report_factory.py`
(reports made without TensorFlow)."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest

# The corpus's shared comparisons (tests/corpus/tf_truth.py) get pytest's assertion detail.
pytest.register_assert_rewrite("tf_truth")


@pytest.fixture
def tf():
    import tensorflow

    return tensorflow


@pytest.fixture
def v1(tf):
    return tf.compat.v1


@pytest.fixture
def graph(tf):
    """A fresh graph as the default: TF1 semantics, as `%%scopes --graph` gives."""
    g = tf.Graph()
    with g.as_default():
        yield g


@pytest.fixture(scope="module")
def shell():
    """A real IPython shell with the extension loaded and TensorFlow imported, as a notebook
    has them."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "jupyter_scope")
    shell.run_line_magic("colors", "nocolor")
    shell.run_cell("import tensorflow as tf", store_history=True)
    yield shell
    InteractiveShell.clear_instance()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright: one for the session, as Playwright's sync
    API runs one event loop per thread."""
    from playwright.sync_api import sync_playwright

    from tests.browser.lab import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def browser_page(browser):
    """A Chromium page that is offline and records requests, script errors and dialogs."""
    from jupyter_scope.export import html_page, write

    try:
        html_page.check()
    except write.ExportError as exc:
        pytest.skip(str(exc))
    context = browser.new_context(offline=True)
    page = context.new_page()
    page.events = {"requests": [], "errors": [], "dialogs": []}
    page.on("request", lambda r: page.events["requests"].append(r.url))
    page.on("pageerror", lambda e: page.events["errors"].append(str(e)))
    page.on("dialog", lambda d: (page.events["dialogs"].append(d.message), d.dismiss()))
    yield page
    context.close()
