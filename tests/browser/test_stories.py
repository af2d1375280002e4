"""The six story notebooks as a person sees them: run in a real JupyterLab, every tree's
names whole, and light and dark screenshots in test-artifacts/ to look at."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.browser.lab import ROOT, open_notebook, run_all, set_theme

pytestmark = [pytest.mark.browser, pytest.mark.slow]

STORIES = sorted((ROOT / "notebooks").glob("0*.ipynb"))

# Every drawn row name at its full width: facts and chips give way first.
CUT_NAMES = """() => [...document.querySelectorAll('.jp-Scope-row .jp-Scope-nameStart')]
  .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"""


def widgets_of(notebook) -> int:
    """How many cells show a scope tree: `%%scopes` cells that are not `--quiet`."""
    cells = json.loads(notebook.read_text())["cells"]
    sources = ("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return sum(s.startswith("%%scopes") and "--quiet" not in s.split("\n")[0] for s in sources)


@pytest.mark.parametrize("story", STORIES, ids=lambda p: p.stem)
def test_story_notebook_reads_at_a_glance(lab, page, artifacts, story) -> None:
    shutil.copy(story, lab.root / story.name)
    open_notebook(page, lab, story.name)
    run_all(page, widgets_of(story))
    assert page.evaluate(CUT_NAMES) == []
    # Ops stay out of sight until asked for: no op group row in a tree that has variables.
    trees = page.eval_on_selector_all(
        ".jp-OutputArea .jp-Scope-widget",
        """els => els.map(e => ({
          variables: e.querySelectorAll('.jp-Scope-variable').length,
          groups: e.querySelectorAll('.jp-Scope-group').length }))""",
    )
    assert all(t["groups"] == 0 for t in trees if t["variables"])
    outputs = page.locator(".jp-OutputArea-output:has(.jp-Scope-widget)")
    for theme, name in (("JupyterLab Light", "light"), ("JupyterLab Dark", "dark")):
        set_theme(page, theme)
        for i in range(outputs.count()):
            outputs.nth(i).screenshot(path=artifacts / f"story-{story.stem}-{i + 1}-{name}.png")
    set_theme(page, "JupyterLab Light")
