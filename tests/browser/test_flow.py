"""The dataflow of a scope, in JupyterLab and in Notebook 7 (real servers, Chromium): a
graph with a variable created in one block and reused in another, and a `tf.function`
head. TF answers first (`op.inputs`, output shapes, the variable's readers); the flow pane
beside the tree must draw the same, keep one node for the reused variable, and share the
tree's selection.
"""

from __future__ import annotations

import json

import pytest

from tests.browser.lab import (
    PANEL,
    kernel_eval,
    open_notebook,
    open_panel,
    run_all,
    set_theme,
    write_notebook,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SETUP = "%load_ext jupyter_scope\nimport json\nimport tensorflow as tf\nv1 = tf.compat.v1"

MODEL = """\
%%scopes flow --graph
h = v1.placeholder(tf.float32, [None, 4], name="x")
with v1.variable_scope("model"):
    for part in ("enc", "dec"):
        with tf.name_scope(part), v1.variable_scope("layer", reuse=v1.AUTO_REUSE):
            w = v1.get_variable("w", [4, 4])
            h = tf.nn.relu(tf.matmul(h, w))
    scale = v1.get_variable("scale", [], initializer=v1.ones_initializer())

    @tf.function
    def head(t):
        with tf.name_scope("head"):
            return tf.reduce_sum(t * scale, axis=1)

    y = head(h)"""

# TF's own answers: each op's inputs with the producer's output shape, written as the
# displays write shapes (`[?,4]`), and the ops that take the shared variable's handle.
TRUTH = """\
def shape(t):
    dims = t.shape.as_list() if t.shape.rank is not None else None
    if dims is None:
        return "[?…]"
    return "[" + ",".join("?" if d is None else str(d) for d in dims) + "]"
g = y.graph
print(json.dumps({
    "pairs": [[t.op.name, op.name, shape(t)] for op in g.get_operations() for t in op.inputs],
    "readers": [op.name for op in g.get_operations()
                if any(t.op.name == "model/layer/w" for t in op.inputs)],
    "reused": w.name.split(":")[0],
}))"""

WIDGET = ".jp-OutputArea .jp-Scope-widget"
FLOW = f"{WIDGET} .jp-Scope-flow"

# What the pane draws: each node's full name by id, and each edge with its label (drawn
# beside it, or its tooltip where its tensor's fan-out shares one label).
DRAWN = """flow => {
  const name = {};
  for (const g of flow.querySelectorAll('.jp-Scope-flowNode')) name[g.dataset.id] = g.dataset.name;
  return {
    nodes: [...flow.querySelectorAll('.jp-Scope-flowNode')].map(g => ({
      id: g.dataset.id, name: g.dataset.name, text: g.textContent
    })),
    edges: [...flow.querySelectorAll('.jp-Scope-flowEdge')].map(e => ({
      source: name[e.dataset.source], target: name[e.dataset.target],
      sourceId: e.dataset.source, targetId: e.dataset.target,
      kind: e.classList.contains('jp-mod-reads') ? 'reads' : 'input',
      label: (e.querySelector('.jp-Scope-flowLabel') ?? e.querySelector('title'))?.textContent ?? ''
    }))
  };
}"""

# Where the pane draws each node (its box on screen, after any move) and each edge; what
# is selected aside.
GEOMETRY = """flow => {
  const svg = flow.querySelector('svg').getBoundingClientRect();
  const round = r =>
    [r.x - svg.x, r.y - svg.y, r.width, r.height].map(v => Math.round(v * 10) / 10);
  return {
    nodes: [...flow.querySelectorAll('.jp-Scope-flowNode')].map(g => [
      g.dataset.id, g.className.baseVal.replace(' jp-mod-selected', ''), g.textContent,
      round(g.getBoundingClientRect())
    ]).sort(),
    edges: [...flow.querySelectorAll('.jp-Scope-flowEdge')].map(e => [
      e.dataset.source, e.dataset.target, e.querySelector('path').getAttribute('d'),
      [...e.querySelectorAll('text')].map(l => [l.textContent, round(l.getBoundingClientRect())])
    ].join(' ')).sort()
  };
}"""

# The edges whose drawn ends are off the drawn boxes of their source and target nodes.
DETACHED = """flow => {
  const svg = flow.querySelector('svg');
  const ctm = svg.getScreenCTM();
  const near = (id, x, y) => {
    const r = flow.querySelector(`.jp-Scope-flowNode[data-id="${CSS.escape(id)}"] rect`)
      .getBoundingClientRect();
    const p = new DOMPoint(x, y).matrixTransform(ctm);
    return p.x >= r.left - 1 && p.x <= r.right + 1 && p.y >= r.top - 1 && p.y <= r.bottom + 1;
  };
  return [...flow.querySelectorAll('.jp-Scope-flowEdge')].filter(e => {
    const xy = e.querySelector('path').getAttribute('d').match(/-?[0-9.]+/g).map(Number);
    const n = xy.length;
    return !near(e.dataset.source, xy[0], xy[1]) || !near(e.dataset.target, xy[n - 2], xy[n - 1]);
  }).map(e => `${e.dataset.source} -> ${e.dataset.target}`);
}"""


def drawn_after(page, flow, act) -> dict:
    """Do `act`, then wait for the pane's next drawing and read it."""
    before = flow.get_attribute("data-drawn") or "0"
    act()
    page.wait_for_function(
        "([el, n]) => (el.dataset.drawn ?? '0') !== n", arg=[flow.element_handle(), before]
    )
    return flow.evaluate(DRAWN)


def test_flow_draws_tfs_edges_and_shares_the_selection(server, page, artifacts) -> None:
    name = f"flow-{server.app}.ipynb"
    write_notebook(server.root / name, [SETUP, MODEL])
    open_notebook(page, server, name)
    run_all(page, 1)
    truth = json.loads(kernel_eval(page, TRUTH))
    tree = page.locator(WIDGET)
    tree.locator(".jp-Scope-flowSwitch").click()
    flow = page.locator(FLOW)
    page.locator(f"{FLOW}[data-drawn]").wait_for()  # the root's flow, first

    # The tree selects `model`: the pane shows its flow.
    drawing = drawn_after(
        page, flow, lambda: tree.locator('.jp-Scope-row[data-name="model"] .jp-Scope-name').click()
    )
    assert flow.locator(".jp-Scope-flowTitle").text_content() == "Dataflow of model"

    # Enter opens a box in place: enc, then its layer, then its MatMul (its read op).
    for box in ("model/enc", "model/enc/layer", "model/enc/layer/MatMul"):
        node = flow.locator(f'.jp-Scope-flowNode.jp-mod-scope[data-name="{box}"]')
        drawing = drawn_after(page, flow, lambda node=node: (node.focus(), node.press("Enter")))
        assert "jp-mod-open" in node.get_attribute("class")

    # Between two ops both drawn, the edges are TF's op.inputs, labelled with TF's shapes.
    ops = {n["id"]: n["name"] for n in drawing["nodes"] if n["id"].startswith("o:")}
    shown = sorted(
        [e["source"], e["target"], e["label"]]
        for e in drawing["edges"]
        if e["sourceId"] in ops and e["targetId"] in ops
    )
    inside = set(ops.values())
    expected = sorted([p, c, s] for p, c, s in truth["pairs"] if p in inside and c in inside)
    assert shown == expected and len(shown) >= 2
    # The tensor entering from outside is a port labelled with TF's shape.
    x = next(p for p in truth["pairs"] if p[0] == "x")
    assert any(
        e["source"] == "x" and e["target"] == x[1] and e["label"] == x[2] for e in drawing["edges"]
    )

    # The reused variable: one node, marked reused, with an edge to each of its readers
    # (each drawn as the innermost node that holds it), never to its own ops.
    variable = truth["reused"]
    nodes = [n for n in drawing["nodes"] if n["name"] == variable]
    assert len(nodes) == 1 and "reused" in nodes[0]["text"]
    names = [n["name"] for n in drawing["nodes"]]

    def holder(op: str) -> str:
        return max((n for n in names if op == n or op.startswith(n + "/")), key=len)

    readers = {holder(r) for r in truth["readers"] if not r.startswith(variable + "/")}
    targets = {e["target"] for e in drawing["edges"] if e["source"] == variable}
    assert targets == readers and len(readers) == 2
    page.screenshot(path=artifacts / f"flow-{server.app}.png")

    # One selection: a node clicked in the flow is selected in the tree and the details.
    relu = "model/enc/layer/Relu"
    flow.locator(f'.jp-Scope-flowNode[data-name="{relu}"]').click()
    row = tree.locator(f'.jp-Scope-row[data-name="{relu}"]')
    assert "jp-mod-selected" in row.get_attribute("class")
    assert tree.locator(".jp-Scope-detailsName").text_content() == relu
    # A node selected in the tree is marked in the flow.
    tree.locator(f'.jp-Scope-row[data-name="{variable}"] .jp-Scope-name').click()
    node = flow.locator(f'.jp-Scope-flowNode[data-name="{variable}"]')
    assert "jp-mod-selected" in node.get_attribute("class")

    # The search applies to both views: what it leaves out of the tree is dimmed.
    tree.locator(".jp-Scope-search").fill("dec")
    dimmed = flow.evaluate(
        "f => [...f.querySelectorAll('.jp-Scope-flowNode.jp-mod-dimmed')].map(g => g.dataset.name)"
    )
    assert "model/dec" not in dimmed and {"model/enc", variable} <= set(dimmed)
    tree.locator(".jp-Scope-search").fill("")
    assert flow.locator(".jp-mod-dimmed").count() == 0

    # The Scopes panel's tree (the lab extension's own bundle) has the same pane; its
    # command is not registered on Notebook 7's notebook page.
    if server.app == "lab":
        open_panel(page)
        panel = page.locator(PANEL)
        panel.locator(".jp-Scope-row").first.wait_for()
        panel.locator(".jp-Scope-flowSwitch").click()
        page.locator(f"{PANEL} .jp-Scope-flow[data-drawn]").wait_for()
        in_panel = drawn_after(
            page,
            panel.locator(".jp-Scope-flow"),
            lambda: panel.locator('.jp-Scope-row[data-name="model"] .jp-Scope-name').click(),
        )
        assert [n["name"] for n in in_panel["nodes"]].count(variable) == 1
        assert {e["target"] for e in in_panel["edges"] if e["source"] == variable} == {
            "model/enc",
            "model/dec",
        }

    # Both themes: the pane's text takes the theme's colours.
    if server.app == "lab":
        for theme in ("JupyterLab Dark", "JupyterLab Light"):
            set_theme(page, theme)
            fill = node.locator(".jp-Scope-flowName").evaluate("e => getComputedStyle(e).fill")
            colour = tree.locator(".jp-Scope-detailsName").evaluate(
                "e => getComputedStyle(e).color"
            )
            assert fill == colour, theme


def test_flow_in_the_offline_html_page(browser_page, tmp_path) -> None:
    """The HTML export draws the flow offline: its worker starts from a Blob, which the
    page's policy allows, and nothing is fetched."""
    from pathlib import Path

    from jupyter_scope import ScopeReport

    golden = Path(__file__).parents[1] / "data" / "golden" / "flow.json"
    report = ScopeReport.from_dict(json.loads(golden.read_text("utf-8"))["document"])
    page = browser_page
    page.goto(report.export(tmp_path / "flow.html").as_uri())
    page.locator(".jp-Scope-flowSwitch").click()
    flow = page.locator(".jp-Scope-flow")
    page.locator(".jp-Scope-flow[data-drawn]").wait_for()  # the root's flow, first
    drawing = drawn_after(
        page, flow, lambda: page.locator('.jp-Scope-row[data-name="model"] .jp-Scope-name').click()
    )
    names = {n["name"] for n in drawing["nodes"]}
    assert {"model/enc", "model/dec", "model/layer/w", "model/scale"} <= names
    variable = [e["target"] for e in drawing["edges"] if e["source"] == "model/layer/w"]
    assert sorted(variable) == ["model/dec", "model/enc"]

    # A box opened and closed again updates the drawing there is (moves what moved, adds
    # and removes the box's contents); closed, it is the drawing made from nothing before,
    # and open, each id is drawn once, every edge meets its nodes where they were moved
    # to, and the box keeps the focus: it is the same element, never taken out of the page.
    fresh = flow.evaluate(GEOMETRY)
    assert flow.evaluate(DETACHED) == []
    box = flow.locator('.jp-Scope-flowNode.jp-mod-scope[data-name="model/enc"]')
    box.focus()
    element = box.element_handle()
    element.evaluate("g => g.addEventListener('blur', () => { g.dataset.blurred = 'yes'; })")
    focused = "g => g.isConnected && document.activeElement === g && !g.dataset.blurred"
    opened = drawn_after(page, flow, lambda: box.press("Enter"))
    ids = [n["id"] for n in opened["nodes"]]
    assert len(ids) == len(set(ids)) > len(fresh["nodes"])
    assert flow.evaluate(DETACHED) == []
    assert element.evaluate(focused) and "jp-mod-open" in box.get_attribute("class")
    drawn_after(page, flow, lambda: box.press("Enter"))
    assert element.evaluate(focused) and "jp-mod-open" not in box.get_attribute("class")
    assert flow.evaluate(GEOMETRY) == fresh
    assert page.events["errors"] == []
    assert all(url.startswith(("file:", "blob:", "data:")) for url in page.events["requests"])
