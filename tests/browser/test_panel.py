"""The Scopes sidebar panel in a real JupyterLab and Chromium: list, tree, search, jump,
export, and a reopened notebook with no kernel."""

from __future__ import annotations

import json

import pytest

from jupyter_scope.model.report import MIME_TYPE
from tests.browser.lab import (
    PANEL,
    REPORTS,
    SHARING_CELL,
    command,
    kernel_eval,
    open_panel,
    run_all,
    set_theme,
    tree_names,
    wait_for_kernel,
    wait_for_widgets,
    write_notebook,
)
from tests.helpers import read_graphml, shown_names

pytestmark = pytest.mark.browser

WORKSPACE = "scopes-panel-test"

# A second report in a fresh graph, with a name the first report has too.
TOWER_CELL = """\
%%scopes tower --graph
with tf.compat.v1.variable_scope("tower"):
    with tf.compat.v1.variable_scope("conv1"):
        w = tf.compat.v1.get_variable("weights", [3, 3, 1, 8])
with tf.compat.v1.variable_scope("tower", reuse=True):
    with tf.compat.v1.variable_scope("conv1"):
        w2 = tf.compat.v1.get_variable("weights", [3, 3, 1, 8])
"""
# Makes the notebook taller than the window, so a jump to the first cell must scroll.
LONG_CELL = 'print("\\n".join(f"line {i}" for i in range(120)))'
CELLS = ["%load_ext jupyter_scope", SHARING_CELL, TOWER_CELL, LONG_CELL]

# The kernel's reports, newest first: how the panel should list each (cell, name, counts,
# badges, time), and its document.
KERNEL_REPORTS = """\
import json, jupyter_scope
from jupyter_scope.present.human import count
out = []
for r in reversed(jupyter_scope.reports):
    s = r.summary()
    badges = [f"{n} {word}{'s' if n > 1 else ''}"
              for n, word in ((s["errors"], "error"), (s["warnings"], "warning")) if n]
    listed = [f"In [{r.meta['cell']['execution_count']}]", r.meta["name"],
              f"{s['created']} created · {s['reused']} reused · {s['ops']} ops · "
              f"{count(s['params'])} params", badges, f"{r.meta['wall_time']:.2f} s"]
    out.append({"listed": listed, "document": r.to_dict()})
print(json.dumps(out))
"""


def kernel_reports(page) -> tuple[list[list], dict[str, dict]]:
    """The panel's lines the kernel expects, newest first, and the documents by name."""
    reports = json.loads(kernel_eval(page, KERNEL_REPORTS))
    return [r["listed"] for r in reports], {r["listed"][1]: r["document"] for r in reports}


def report_items(page) -> list[dict]:
    return page.eval_on_selector_all(
        REPORTS,
        """els => els.map(e => ({
          listed: [
            e.querySelector('.jp-Scope-reportCell').textContent,
            e.querySelector('.jp-Scope-reportName')?.textContent ?? null,
            e.querySelector('.jp-Scope-reportCounts').textContent,
            [...e.querySelectorAll('.jp-Scope-badge')].map(b => b.textContent),
            e.querySelector('.jp-Scope-reportTime').textContent,
          ],
          selected: e.classList.contains('jp-mod-selected'),
        }))""",
    )


def listed(page) -> list[list]:
    return [i["listed"] for i in report_items(page)]


IN_VIEW = """i => {
  const nb = window.jupyterapp.shell.currentWidget.content;
  const cell = nb.widgets[i].node.getBoundingClientRect();
  const view = nb.outerNode.getBoundingClientRect();
  return cell.top < view.bottom && cell.bottom > view.top;
}"""


def ids(document: dict) -> tuple[set, set]:
    graph = document["graph"]
    return (
        {n["id"] for n in graph["nodes"]},
        {(e["source"], e["target"], e.get("kind")) for e in graph["edges"]},
    )


def open_in_workspace(page, lab, workspace: str, path: str = "") -> None:
    """Open JupyterLab in a test's own workspace, so the notebook it leaves open (with
    no kernel) is not restored by the other tests, which use the default workspace."""
    page.goto(lab.url(f"lab/workspaces/{workspace}{path and '/' + path}") + "&reset")
    page.wait_for_function("() => window.jupyterapp?.shell?.isAttached", timeout=60_000)


def test_panel_lists_searches_jumps_exports_and_reopens(lab, page, artifacts, tmp_path) -> None:
    write_notebook(lab.root / "panel.ipynb", CELLS)
    open_in_workspace(page, lab, WORKSPACE, "tree/panel.ipynb")
    wait_for_kernel(page)
    run_all(page, 2)
    expected, documents = kernel_reports(page)
    assert [(r[0], r[1]) for r in expected] == [("In [3]", "tower"), ("In [2]", "filters")]

    # The palette has the command; the left-area tab opens the panel.
    assert (
        page.evaluate("() => window.jupyterapp.commands.label('jupyter-scope:show-panel')")
        == "Scopes: show panel"
    )
    open_panel(page)

    # Newest first, with the kernel's counts and times.
    page.wait_for_function(f"() => document.querySelectorAll('{REPORTS}').length === 2")
    assert listed(page) == expected
    assert report_items(page)[0]["selected"]  # the newest is shown at first
    assert "tower/conv1/weights" in tree_names(page)

    # Select the older report and expand a scope of its tree.
    page.locator(REPORTS).nth(1).click()
    page.wait_for_function(
        f"() => document.querySelectorAll('{REPORTS}')[1].classList.contains('jp-mod-selected')"
    )
    tree = page.locator(f"{PANEL} .jp-Scope-root")
    assert "4 variables (4 created, 4 reused)" in tree.locator(".jp-Scope-summaryLine").inner_text()
    assert "image_filters/conv1/weights" in tree_names(page)  # opened as the first one was
    tree.get_by_role("button", name="Collapse all").click()
    assert tree_names(page) == ["image_filters"]
    scope = tree.locator('.jp-Scope-scope[data-name="image_filters"]')
    assert scope.get_attribute("aria-expanded") == "false"
    scope.locator(".jp-Scope-caret").click()
    assert scope.get_attribute("aria-expanded") == "true"
    assert {"image_filters/conv1", "image_filters/conv2"} <= set(tree_names(page))

    # Search in the tree.
    tree.locator(".jp-Scope-search").fill("biases")
    names = tree_names(page)
    assert {"image_filters/conv1/biases", "image_filters/conv2/biases"} <= set(names)
    assert not [n for n in names if "weights" in n]
    tree.locator(".jp-Scope-search").fill("")

    # Search across all reports: where is conv1/weights created, where reused.
    page.locator(f"{PANEL} .jp-Scope-panelSearch").fill("conv1/weights")
    hits = page.locator(f"{PANEL} .jp-Scope-hit")
    hits.first.wait_for()
    texts = hits.all_inner_texts()
    # The two variables first, newest report first; then the scopes and ops of that name.
    # Where: the call lines the kernel wrote.
    assert (
        texts[0] == "tower/conv1/weights\nIn [3] · created, reused ×1 · "
        "create at In [3]:4 · reuse at In [3]:7"
    )
    assert texts[1].startswith(
        "image_filters/conv1/weights\nIn [2] · created, reused ×1 · create at"
    )
    assert not [t for t in texts[2:] if "created" in t], texts
    assert all("conv1/weights" in t.splitlines()[0] for t in texts)
    page.screenshot(path=artifacts / "panel-search.png")
    page.locator(f"{PANEL} .jp-Scope-panelSearch").fill("")

    # Clicking a report scrolls to its cell and selects it.
    page.evaluate(
        """() => { const nb = window.jupyterapp.shell.currentWidget.content;
                   nb.activeCellIndex = 3; nb.outerNode.scrollTop = nb.outerNode.scrollHeight; }"""
    )
    page.wait_for_function(f"i => !({IN_VIEW})(i)", arg=1)
    page.locator(REPORTS).nth(1).click()
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.content.activeCellIndex === 1"
    )
    page.wait_for_function(IN_VIEW, arg=1)

    # Export JSON from the panel: the kernel's document.
    with page.expect_download() as download:
        page.locator(f'{PANEL} .jp-Scope-exports button[data-format="json"]').click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == "scopes-filters.json"
    exported = json.loads(path.read_text())
    assert ids(exported) == ids(documents["filters"])
    assert exported == documents["filters"]

    # Screenshots of the panel in both themes.
    page.screenshot(path=artifacts / "panel-light.png")
    page.locator(PANEL).screenshot(path=artifacts / "panel-only-light.png")
    set_theme(page, "JupyterLab Dark")
    assert [i["selected"] for i in report_items(page)] == [False, True]  # kept through the switch
    page.screenshot(path=artifacts / "panel-dark.png")
    page.locator(PANEL).screenshot(path=artifacts / "panel-only-dark.png")
    set_theme(page, "JupyterLab Light")

    # Save, shut the kernel down, and reopen in a fresh page with no kernel.
    command(page, "docmanager:save")
    page.wait_for_function(
        "() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=30_000
    )
    page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
    assert lab.api("kernels") == []
    # The larger report is saved as columns (`document/columns.py`), the smaller plain.
    saved = json.loads((lab.root / "panel.ipynb").read_text())
    encodings = sorted(
        str(output["data"][MIME_TYPE].get("encoding"))
        for cell in saved["cells"]
        for output in cell.get("outputs", [])
        if MIME_TYPE in output.get("data", {})
    )
    assert "columns+gzip+base64" in encodings, encodings
    open_in_workspace(page, lab, WORKSPACE)
    page.evaluate(
        """() => window.jupyterapp.restored.then(() => window.jupyterapp.commands.execute(
             'docmanager:open', { path: 'panel.ipynb', factory: 'Notebook',
                                  kernelPreference: { shouldStart: false, canStart: false } }))"""
    )
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)

    # The outputs show the trees from the saved JSON, not an error.
    page.wait_for_function(
        "() => document.querySelectorAll('.jp-OutputArea .jp-Scope-static .jp-Scope-row')"
        ".length > 0 && document.querySelectorAll('.jp-OutputArea .jp-Scope-root').length === 2",
        timeout=60_000,
    )
    outputs = page.locator(".jp-OutputArea .jp-Scope-output")
    assert outputs.count() == 2
    for i in range(2):
        output = outputs.nth(i)
        assert output.locator(".jp-Scope-root:visible").count() == 1
        assert output.locator(".jp-Scope-root.jp-Scope-static").is_visible()
    assert outputs.nth(0).locator('.jp-Scope-row[data-name="image_filters"]').count() == 1
    assert outputs.nth(1).locator('.jp-Scope-row[data-name="tower"]').count() == 1
    assert page.locator(".jp-OutputArea-output:visible", has_text="Error").count() == 0

    open_panel(page)
    page.wait_for_function(f"() => document.querySelectorAll('{REPORTS}').length === 2")
    assert listed(page) == expected
    assert "tower/conv1/weights" in tree_names(page)
    assert lab.api("kernels") == []
    page.locator(PANEL).screenshot(path=artifacts / "panel-reopened.png")


# -- live, hidden, site jumps, and the browser-made HTML and GraphML ------------------------

LIVE_WORKSPACE = "scopes-live-test"

# Records what the kernel connection sends and receives, and when the panel lists a report.
WATCH_KERNEL = """([mime, reports]) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const listed = () => document.querySelectorAll(reports).length;
  const log = window.scopeLog = { sent: [], iopub: [], arrived: null, listed: null };
  kernel.anyMessage.connect((_, { msg, direction }) => {
    if (direction === 'send') {
      log.sent.push({ id: msg.header.msg_id, type: msg.header.msg_type,
                      code: msg.content.code ?? null });
    } else if (msg.content.data?.[mime] && log.arrived === null) {
      log.arrived = performance.now();  // off the socket, before JupyterLab handles it
    }
  });
  kernel.iopubMessage.connect((_, msg) => log.iopub.push({
    parent: msg.parent_header.msg_id, type: msg.header.msg_type,
    state: msg.content.execution_state ?? null, report: Boolean(msg.content.data?.[mime]),
    listed: listed() }));
  const before = listed();
  new MutationObserver(() => {
    if (log.listed === null && listed() > before) log.listed = performance.now();
  }).observe(document.querySelector('#jp-scope-panel .jp-Scope-reportList'), { childList: true });
}"""

# Where the notebook's cursor is: the active cell, its mode, and the line under the cursor.
CURSOR = """() => {
  const nb = window.jupyterapp.shell.currentWidget.content;
  const cell = nb.activeCell;
  const { line, column } = cell.editor.getCursorPosition();
  return { index: nb.activeCellIndex, mode: nb.mode, line,
           text: cell.model.sharedModel.getSource().split('\\n')[line].slice(column),
           focused: cell.editor.hasFocus() };
}"""

KERNEL_EXPORT = """\
import jupyter_scope
report = [r for r in jupyter_scope.reports if r.meta["name"] == "tower"][-1]
for path in {paths!r}:
    report.export(path)
"""

# Reuse of a missing variable (an error, and the cell raises) after a renamed duplicate
# `tf.Variable` (a warning).
OOPS_CELL = """\
%%scopes oops --graph
with tf.compat.v1.variable_scope("dup"):
    a = tf.Variable(1.0, name="var4")
    b = tf.Variable(2.0, name="var4")
with tf.compat.v1.variable_scope("dup", reuse=True):
    c = tf.compat.v1.get_variable("missing", [1])
"""


def run_cell(page, index: int) -> None:
    page.evaluate(
        "i => { const nb = window.jupyterapp.shell.currentWidget.content;"
        " nb.deselectAll(); nb.activeCellIndex = i; }",
        index,
    )
    command(page, "notebook:run-cell")


def test_panel_live_hidden_site_jumps_and_browser_exports(
    lab, page, browser_page, artifacts, tmp_path
) -> None:
    cells = ["%load_ext jupyter_scope", SHARING_CELL, TOWER_CELL, OOPS_CELL]
    write_notebook(lab.root / "live.ipynb", cells)
    open_in_workspace(page, lab, LIVE_WORKSPACE, "tree/live.ipynb")
    wait_for_kernel(page)
    open_panel(page)
    page.locator(f"{PANEL} .jp-Scope-hint").wait_for()

    # Hidden, the panel does no work: a report made meanwhile changes nothing in it...
    page.evaluate("() => window.jupyterapp.shell.activateById('filebrowser')")
    page.locator(PANEL).wait_for(state="hidden")
    page.evaluate(
        """() => { window.scopeMutations = 0;
          new MutationObserver(records => { window.scopeMutations += records.length; })
            .observe(document.querySelector('#jp-scope-panel'), { subtree: true,
                     childList: true, attributes: true, characterData: true }); }"""
    )
    run_cell(page, 0)
    run_cell(page, 1)
    wait_for_widgets(page, 1)
    assert page.evaluate("() => window.scopeMutations") == 0
    # ...and shown again, it catches up.
    open_panel(page)
    page.wait_for_function(f"() => document.querySelectorAll('{REPORTS}').length === 1")
    assert [i[:2] for i in listed(page)] == [["In [2]", "filters"]]

    # Live: the report of a finished cell is listed as its output arrives, before the kernel
    # is idle, and the panel sends the kernel nothing (no polling, no code).
    page.evaluate(WATCH_KERNEL, [MIME_TYPE, REPORTS])
    run_cell(page, 2)
    wait_for_widgets(page, 2)
    page.wait_for_function(f"() => document.querySelectorAll('{REPORTS}').length === 2")
    log = page.evaluate("() => window.scopeLog")
    executes = [m for m in log["sent"] if m["type"] == "execute_request"]
    assert [m["code"] for m in executes] == [TOWER_CELL]
    of_cell = [m for m in log["iopub"] if m["parent"] == executes[0]["id"]]
    (output,) = [m for m in of_cell if m["report"]]
    assert output["listed"] == 2  # listed while JupyterLab handles the output message
    assert [m["listed"] for m in of_cell if m["state"] == "idle"] == [2]
    latency = {"listed_ms_after_the_output_arrived": log["listed"] - log["arrived"]}
    (artifacts / "panel-latency.json").write_text(json.dumps(latency))
    expected, documents = kernel_reports(page)
    assert listed(page) == expected
    assert [i["selected"] for i in report_items(page)] == [True, False]  # the newest: none picked
    assert "tower/conv1/weights" in tree_names(page)

    # Clicking a site in the details jumps to that cell's line, cursor on the call.
    page.locator(REPORTS).first.click()
    page.locator(f'{PANEL} .jp-Scope-variable[data-name="tower/conv1/weights"]').click()
    sites = page.locator(f"{PANEL} .jp-Scope-detailsPane .jp-Scope-site")
    assert sites.all_inner_texts() == ["create at In [3]:4", "reuse at In [3]:7"]
    for site, line, call in [(1, 6, "w2 = tf.compat.v1.get_variable"), (0, 3, "w = tf.compat.")]:
        page.evaluate(
            "() => { const nb = window.jupyterapp.shell.currentWidget.content;"
            " nb.mode = 'command'; nb.activeCellIndex = 0; }"
        )
        sites.nth(site).click()
        page.wait_for_function(f"() => ({CURSOR})().mode === 'edit'")
        cursor = page.evaluate(CURSOR)
        assert (cursor["index"], cursor["line"], cursor["focused"]) == (2, line, True)
        assert cursor["text"].startswith(call)
        page.wait_for_function(IN_VIEW, arg=2)

    # Every format exported from the panel (written by the server's Python, no kernel),
    # with the kernel's own exports beside them: the same bytes.
    made = {}
    for format in ("json", "html", "graphml", "dot", "md", "csv"):
        with page.expect_download() as download:
            page.locator(f'{PANEL} .jp-Scope-exports button[data-format="{format}"]').click()
        made[format] = tmp_path / download.value.suggested_filename
        download.value.save_as(made[format])
    assert [p.name for p in made.values()] == [f"scopes-tower.{f}" for f in made]
    python = {f: tmp_path / f"python.{f}" for f in made}
    assert kernel_eval(page, KERNEL_EXPORT.format(paths=[str(p) for p in python.values()])) == ""
    for format, path in made.items():
        assert path.read_bytes() == python[format].read_bytes(), format
    assert read_graphml(made["graphml"]) == read_graphml(python["graphml"])

    # The browser-made page works offline: the tree, and its search.
    browser_page.goto(made["html"].as_uri())
    browser_page.wait_for_selector(".jp-Scope-row")
    assert "tower/conv1/weights" in shown_names(browser_page)
    browser_page.fill(".jp-Scope-search", "no such name")
    browser_page.wait_for_function("!document.querySelector('.jp-Scope-row[data-name]')")
    browser_page.fill(".jp-Scope-search", "weights")
    browser_page.wait_for_selector('.jp-Scope-row[data-name="tower/conv1/weights"]')
    assert browser_page.events == {"requests": [made["html"].as_uri()], "errors": [], "dialogs": []}

    # The palette's export command downloads the selected report too.
    label = "a => window.jupyterapp.commands.label('jupyter-scope:export-report', a)"
    assert page.evaluate(label, {"format": "json"}) == "Scopes: export report (JSON)"
    with page.expect_download() as download:
        command(page, "jupyter-scope:export-report", {"format": "json"})
    download.value.save_as(tmp_path / "command.json")
    assert json.loads((tmp_path / "command.json").read_text()) == documents["tower"]

    # Error and warning badges, as the kernel counts them; the failing cell still raised.
    run_cell(page, 3)
    wait_for_widgets(page, 3)
    page.wait_for_function(f"() => document.querySelectorAll('{REPORTS}').length === 3")
    expected, _ = kernel_reports(page)
    assert expected[0][1] == "oops" and expected[0][3] == ["1 error", "1 warning"]
    assert listed(page) == expected
    traceback = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
    assert page.locator(traceback, has_text="ValueError").count() == 1

    # It follows the active notebook.
    write_notebook(lab.root / "other.ipynb", ["x = 1"])
    page.evaluate(
        """() => window.jupyterapp.commands.execute('docmanager:open', { path: 'other.ipynb',
             kernelPreference: { shouldStart: false, canStart: false } })"""
    )
    page.wait_for_function(
        "() => document.querySelector('#jp-scope-panel .jp-Scope-notebookName')"
        ".textContent === 'other.ipynb'"
    )
    page.locator(f"{PANEL} .jp-Scope-hint").wait_for()
    assert listed(page) == []
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="live.ipynb").click()
    page.wait_for_function(f"() => document.querySelectorAll('{REPORTS}').length === 3")
    assert listed(page) == expected


def test_a_quiet_report_is_listed_and_shown_nowhere(lab, page) -> None:
    """`%%scopes --quiet` displays nothing in the notebook, and the panel lists it with the
    reports it shows."""
    quiet = SHARING_CELL.replace("%%scopes filters --graph", "%%scopes hushed --graph --quiet")
    write_notebook(lab.root / "quiet.ipynb", ["%load_ext jupyter_scope", SHARING_CELL, quiet])
    open_in_workspace(page, lab, "scopes-quiet-test", "tree/quiet.ipynb")
    wait_for_kernel(page)
    run_all(page, 1)
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.content.widgets[2].model"
        ".executionCount !== null && window.jupyterapp.shell.currentWidget"
        ".sessionContext.session.kernel.status === 'idle'"
    )
    expected, _ = kernel_reports(page)
    assert [(r[0], r[1]) for r in expected] == [("In [3]", "hushed"), ("In [2]", "filters")]
    quiet_cell = page.locator(".jp-Notebook .jp-Cell").nth(2)
    assert quiet_cell.locator(".jp-OutputArea-child:visible").count() == 0
    assert page.locator(".jp-OutputArea .jp-Scope-root:visible").count() == 1
    open_panel(page)
    page.wait_for_function(f"() => document.querySelectorAll('{REPORTS}').length === 2")
    assert listed(page) == expected
