"""The committed story notebooks are what `notebooks/make_notebooks.py` writes.

Edit a story in the generator and run it (`python notebooks/make_notebooks.py`); a notebook
edited by hand, or a generator edited without re-running it, fails here. Outputs and
execution counts are not compared: a notebook saved after running it still matches.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).parent.parent / "notebooks"
GENERATOR = NOTEBOOKS / "make_notebooks.py"


def generate(into: Path) -> None:
    """Run the generator with its output folder moved to `into`."""
    spec = importlib.util.spec_from_file_location("make_notebooks", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.HERE = into
    module.main()


def sources(path: Path) -> dict:
    """A notebook's JSON without what running it changes."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return notebook


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    into = tmp_path_factory.mktemp("notebooks")
    generate(into)
    return into


def test_the_generator_writes_exactly_the_committed_notebooks(generated):
    assert sorted(p.name for p in generated.glob("*.ipynb")) == sorted(
        p.name for p in NOTEBOOKS.glob("*.ipynb")
    )


@pytest.mark.parametrize("name", sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")))
def test_committed_notebook_equals_the_generated_one(generated, name):
    assert sources(NOTEBOOKS / name) == sources(generated / name), (
        f"notebooks/{name} differs from what notebooks/make_notebooks.py writes: "
        "edit the story in the generator and run it"
    )
