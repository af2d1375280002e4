"""Fixtures of the browser tests: a JupyterLab server and Chromium driven by Playwright.
Every test here is marked `browser` (the fast loop, `scripts/test.sh --fast`, leaves them out)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.lab import ARTIFACTS, ROOT, Lab, start_lab


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    for built in ("labextension/package.json", "static/tree.js"):
        if not (ROOT / "jupyter_scope" / built).is_file():
            pytest.fail(f"jupyter_scope/{built} is missing: run `npm ci && npm run build` first")
    server = start_lab(tmp_path_factory.mktemp("root"), tmp_path_factory.mktemp("lab"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def notebook7(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """Notebook 7 on this checkout, as `lab` is JupyterLab."""
    server = start_lab(
        tmp_path_factory.mktemp("nb7root"), tmp_path_factory.mktemp("nb7"), app="notebook"
    )
    yield server
    server.stop()


@pytest.fixture(params=["lab", "notebook"])
def server(request: pytest.FixtureRequest, lab: Lab) -> Lab:
    """A test run in JupyterLab, then in Notebook 7."""
    return lab if request.param == "lab" else request.getfixturevalue("notebook7")


@pytest.fixture
def page(browser, request) -> Iterator:
    context = browser.new_context(viewport={"width": 1500, "height": 950}, accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()
    # The tests share one server: each leaves no kernel running for the next.
    if "lab" in request.fixturenames:
        lab = request.getfixturevalue("lab")
        for kernel in lab.api("kernels"):
            lab.api(f"kernels/{kernel['id']}", method="DELETE")


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
