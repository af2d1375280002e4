"""The package as users get it: the sdist and the wheel built from this checkout, the wheel
installed (no Node, no source tree) into fresh venvs, and used there from JupyterLab,
Jupyter Notebook 7 and the command line.

Two venvs span the supported range: the newest Python, JupyterLab, Notebook and TensorFlow,
and the lowest of each that pyproject.toml allows.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from test_labextension import labextension_listing

from tests.browser.lab import (
    PANEL,
    REPORTS,
    ROOT,
    SHARING_CELL,
    Lab,
    kernel_eval,
    open_notebook,
    open_panel,
    run_all,
    start_lab,
    tree_names,
    user_env,
    write_notebook,
)
from tests.helpers import shown_names

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Variant:
    """One fresh venv: its Python (`X.Y`) and what is installed beside the wheel."""

    name: str
    python: str
    requirements: tuple[str, ...]


NEWEST = Variant("newest", "3.13", ("jupyterlab", "notebook", "tensorflow-cpu"))
# Notebook 7.2 is the one built on JupyterLab 4.2.
LOWEST = Variant(
    "lowest", "3.10", ("jupyterlab==4.2.0", "notebook==7.2.0", "tensorflow-cpu==2.16.2")
)

VERSION = json.loads((ROOT / "package.json").read_text())["version"]
# The report's variables, as the widget, the panel and the HTML page show them.
VARIABLES = ["image_filters/conv1/weights", "image_filters/conv2/biases"]


def interpreter(version: str) -> str:
    """A `pythonX.Y`: pyenv's build of it (pyenv's shims answer only for its global
    version), else one on PATH."""
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    builds = sorted(pyenv.glob(f"versions/{version}.*/bin/python{version}"))
    found = str(builds[-1]) if builds else shutil.which(f"python{version}")
    if found is None:
        pytest.fail(f"no Python {version} on this machine (pyenv or PATH)")
    return found


def run(*command: str | Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@dataclass
class Dists:
    sdist: Path
    wheel: Path  # built from the sdist, as pip does
    tree_wheel: Path  # built straight from the source tree


@pytest.fixture(scope="session")
def dists(tmp_path_factory: pytest.TempPathFactory) -> Dists:
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--outdir", out / "sdist", ROOT)
    run(sys.executable, "-m", "build", "--wheel", "--outdir", out / "tree", ROOT)
    (sdist,) = (out / "sdist").glob("*.tar.gz")
    (wheel,) = (out / "sdist").glob("*.whl")
    (tree_wheel,) = (out / "tree").glob("*.whl")
    return Dists(sdist, wheel, tree_wheel)


@pytest.fixture(scope="session", params=[NEWEST, LOWEST], ids=lambda v: v.name)
def venv(request, dists: Dists, tmp_path_factory, artifacts: Path) -> Path:
    """A fresh venv: the wheel and the variant's requirements, as a user installs them."""
    variant: Variant = request.param
    venv = tmp_path_factory.mktemp(f"venv-{variant.name}")
    start = time.monotonic()
    run(interpreter(variant.python), "-m", "venv", venv)
    pip = [venv / "bin" / "python", "-m", "pip", "install", "-q"]
    run(*pip, dists.wheel, *variant.requirements, env=user_env(venv, venv))
    # A figure to read, not a limit: how long a user's install takes here.
    seconds = f"{time.monotonic() - start:.0f} s\n"
    (artifacts / f"install-{variant.name}-seconds.txt").write_text(seconds)
    return venv


@pytest.fixture
def serve(tmp_path_factory) -> Iterator[Callable[[Path, str], Lab]]:
    """Start JupyterLab or Notebook 7 from a venv; stopped after the test."""
    started: list[Lab] = []

    def start(venv: Path, app: str) -> Lab:
        root, work = tmp_path_factory.mktemp("root"), tmp_path_factory.mktemp(app)
        started.append(start_lab(root, work, venv, app))
        return started[-1]

    yield start
    for server in started:
        server.stop()


def wheel_files(wheel: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(wheel) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_sdist_builds_the_same_wheel(dists: Dists) -> None:
    from_sdist, from_tree = wheel_files(dists.wheel), wheel_files(dists.tree_wheel)
    assert sorted(from_sdist) == sorted(from_tree)
    assert [n for n in from_sdist if from_sdist[n] != from_tree[n]] == []
    shared = f"jupyter_scope-{VERSION}.data/data/share/jupyter/labextensions/jupyter-scope"
    install_json = json.loads(from_sdist[f"{shared}/install.json"])
    assert install_json["packageName"] == "jupyter-scope"  # what JupyterLab reads
    assert f"jupyter_scope-{VERSION}.dist-info/licenses/LICENSE" in from_sdist
    assert "jupyter_scope/static/tree.js" in from_sdist  # the widget's and the HTML page's
    with tarfile.open(dists.sdist) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    assert {"LICENSE", "CHANGELOG.md", "install.json", "package.json"} <= names


def test_labextension_list_clean(venv: Path, tmp_path: Path) -> None:
    ours, listing = labextension_listing(str(venv / "bin" / "python"), user_env(venv, tmp_path))
    # Installed from the wheel: the version, and the Python package that ships it.
    expected = ["jupyter-scope", f"v{VERSION}", "enabled", "OK", "(python,", "jupyter-scope)"]
    assert ours == expected, listing
    assert str(venv) in listing


def test_cli_help(venv: Path) -> None:
    out = run(venv / "bin" / "jupyter-scope", "--help", env=user_env(venv, venv))
    assert out.startswith("usage: jupyter-scope")


def test_lab_widget_panel_and_html_export(venv, serve, page, browser_page, tmp_path) -> None:
    lab = serve(venv, "lab")
    write_notebook(lab.root / "installed.ipynb", ["%load_ext jupyter_scope", SHARING_CELL])
    open_notebook(page, lab, "installed.ipynb")
    where = kernel_eval(page, "import jupyter_scope; print(jupyter_scope.__file__)")
    assert where.startswith(str(venv)), where  # the installed package, not the source tree
    run_all(page, 1)

    widget = ".jp-OutputArea .jp-Scope-widget .jp-Scope-row"
    names = page.eval_on_selector_all(widget, "els => els.map(e => e.dataset.name)")
    assert set(VARIABLES) <= set(names)
    open_panel(page)
    page.locator(REPORTS).first.wait_for()
    assert set(VARIABLES) <= set(tree_names(page))

    # The HTML export, made in the browser and by the kernel, works offline.
    with page.expect_download() as download:
        page.locator(f'{PANEL} .jp-Scope-exports button[data-format="html"]').click()
    made = tmp_path / download.value.suggested_filename
    download.value.save_as(made)
    kernel = tmp_path / "kernel.html"
    assert kernel_eval(page, f"jupyter_scope.reports[-1].export({str(kernel)!r})") == ""
    for html in (made, kernel):
        browser_page.goto(html.as_uri())
        browser_page.wait_for_selector(".jp-Scope-row")
        assert set(VARIABLES) <= set(shown_names(browser_page))
    assert browser_page.events["errors"] == []


def test_notebook7_widget_renderer_and_panel(venv, serve, page, artifacts) -> None:
    notebook = serve(venv, "notebook")
    shown = "import jupyter_scope\njupyter_scope.reports[-1]"
    cells = ["%load_ext jupyter_scope", SHARING_CELL, shown]
    write_notebook(notebook.root / "nb7.ipynb", cells)
    open_notebook(page, notebook, "nb7.ipynb")
    run_all(page, 1)

    # The `%%scopes` output shows the live widget; the report displayed alone, the renderer.
    outputs = page.locator(".jp-OutputArea .jp-Scope-output")
    page.locator(".jp-Scope-static .jp-Scope-row").last.wait_for()
    assert outputs.count() == 2
    live, rendered = outputs.nth(0), outputs.nth(1)
    assert live.locator(".jp-Scope-root:visible").count() == 1
    assert live.locator(".jp-Scope-widget .jp-Scope-row").count() > 0
    assert rendered.locator(".jp-Scope-live").count() == 0
    for name in VARIABLES:
        assert rendered.locator(f'.jp-Scope-row[data-name="{name}"]').count() == 1

    open_panel(page)
    page.locator(REPORTS).first.wait_for()
    assert set(VARIABLES) <= set(tree_names(page))
    page.screenshot(path=artifacts / f"notebook7-panel-{venv.name}.png")
