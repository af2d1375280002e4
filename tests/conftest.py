"""Shared fixtures. TensorFlow is real everywhere; graph-mode tests get a fresh tf.Graph."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

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


def by_name(report, name: str) -> dict:
    """The one variable of a report with this name."""
    found = [v for v in report.variables if v["name"] == name]
    assert len(found) == 1, f"{name}: {len(found)} variables in the report"
    return found[0]


def codes(report) -> list[str]:
    return [d["code"] for d in report.diagnostics]


@pytest.fixture
def browser_page(browser):
    """A Chromium page that is offline and records requests, script errors and dialogs."""
    from jupyter_scope.report import io
    from jupyter_scope.report.formats import html_page

    try:
        html_page.check()
    except io.ExportError as exc:
        pytest.skip(str(exc))
    context = browser.new_context(offline=True)
    page = context.new_page()
    page.events = {"requests": [], "errors": [], "dialogs": []}
    page.on("request", lambda r: page.events["requests"].append(r.url))
    page.on("pageerror", lambda e: page.events["errors"].append(str(e)))
    page.on("dialog", lambda d: (page.events["dialogs"].append(d.message), d.dismiss()))
    yield page
    context.close()


def shown_names(page) -> list[str]:
    """The names of the rows a scope tree shows."""
    return page.eval_on_selector_all(
        ".jp-Scope-row[data-name]", "rows => rows.map(r => r.dataset.name)"
    )


def read_graphml(path: Path) -> dict[str, Any]:
    """A GraphML export read by networkx, with its JSON-encoded attributes decoded:
    `{"graph": {...}, "nodes": {id: {...}}, "edges": {(source, target): {...}}}`."""
    import networkx as nx

    loaded = nx.read_graphml(path)
    encoded = {"meta", "diagnostics", *loaded.graph["json_attributes"].split(",")}

    def decode(data: dict) -> dict:
        return {k: json.loads(v) if k in encoded else v for k, v in data.items()}

    return {
        "graph": decode(loaded.graph),
        "nodes": {n: decode(d) for n, d in loaded.nodes(data=True)},
        "edges": {(u, v): decode(d) for u, v, d in loaded.edges(data=True)},
    }
