"""Shared fixtures. TensorFlow is real everywhere; graph-mode tests get a fresh tf.Graph."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest


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
