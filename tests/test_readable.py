"""Issue 12, "readable at a glance", in a real IPython shell against TF's truth: call
lines, merged diagnostics, the similar-scope-names typo check, what a tf.function trace
reads, the diff's labels and the traceback of a cell that raises."""

from __future__ import annotations

import csv
import io
import itertools
import re

import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

import jupyter_scope
from jupyter_scope import ScopeReport
from jupyter_scope.analysis.diagnostics import _typo_pairs, typo_pair
from jupyter_scope.export import csv_table
from jupyter_scope.export import markdown as md
from jupyter_scope.present import html_tree, section, text_tree
from jupyter_scope.present.section import merged_diagnostics

tf = pytest.importorskip("tensorflow")


def run(shell: InteractiveShell, source: str) -> tuple[ScopeReport, str]:
    """Run a notebook cell; its report and its name, `In [n]`."""
    with capture_output():
        shell.run_cell(source, store_history=True)
    report = jupyter_scope.reports[-1]
    return report, f"In [{report.meta['cell']['execution_count']}]"


def at(source: str, cell: str, mark: str) -> str:
    """`In [n]:k`, k being the cell line that ends with `# mark`."""
    lines = source.splitlines()
    return f"{cell}:{next(i + 1 for i, line in enumerate(lines) if line.endswith(f'# {mark}'))}"


HELPER_CELL = """%%scopes --graph --quiet
made = []
def rnn_cell(x):
    with tf.compat.v1.variable_scope("rnn", reuse=tf.compat.v1.AUTO_REUSE):
        w = tf.compat.v1.get_variable("w", [1])  # get
    made.append(w)
    return x * w
def step(x):
    return rnn_cell(x)  # helper
x = tf.zeros([1])
for _ in range(19):
    x = step(x)  # loop
x = rnn_cell(x)  # direct
"""


def test_call_lines_group_a_variables_uses_by_call_chain(shell):
    report, cell = run(shell, HELPER_CELL)
    made = shell.user_ns["made"]
    assert len(made) == 20 and all(w is made[0] for w in made)  # TF: one variable, 20 calls
    var = next(v for v in report.variables if v["name"] == made[0].op.name)
    get, helper, loop, direct = (
        at(HELPER_CELL, cell, m) for m in ("get", "helper", "loop", "direct")
    )
    lines = section.node_sites(report.display, var["id"])
    file, line = get.rsplit(":", 1)
    assert lines == [
        {
            "text": f"create at {get} ← {helper} ← {loop}",
            "site": {"file": file, "line": int(line), "kind": "create"},
        },
        {
            "text": f"reuse ×19 at {get} ← {helper} ← {loop} ×18, {direct} ×1",
            "site": {"file": file, "line": int(line), "kind": "reuse"},
        },
    ]
    # the same lines in the text tree, the static HTML tree, Markdown and CSV
    assert f"↳ reuse ×19 at {get} ← {helper} ← {loop} ×18, {direct} ×1" in text_tree.render(report)
    assert f"reuse ×19 at {get} ← {helper} ← {loop} ×18, {direct} ×1" in html_tree.render(report)
    assert f"create at {get} ← {helper} ← {loop}; reuse ×19" in md.render(report)
    (row,) = csv.DictReader(io.StringIO(csv_table.render(report), newline=""))
    assert row["sites"] == "; ".join(line["text"] for line in lines)


FAILED_CELL = """%%scopes --graph --quiet
def layer():
    return tf.compat.v1.get_variable("w", [1])  # get
with tf.compat.v1.variable_scope("s"):
    first = layer()  # first
    layer()  # again
"""


def test_variable_exists_names_both_call_chains_and_advises_once(shell):
    report, cell = run(shell, FAILED_CELL)
    (diag,) = report.diagnostics
    get, first, again = (at(FAILED_CELL, cell, m) for m in ("get", "first", "again"))
    assert diag["code"] == "variable-exists" and diag["nodes"] == [shell.user_ns["first"].op.name]
    assert f"again at {get} ← {again} (reuse was off)" in diag["message"]
    assert f"first created at {get} ← {first}." in diag["message"]
    assert "reuse=True" in diag["advice"] and "reuse=True" not in diag["message"]
    assert [s["kind"] for s in diag["sites"]] == ["create", "create"]


def test_a_failed_reuse_is_labelled_a_reuse(shell):
    source = """%%scopes --graph --quiet
with tf.compat.v1.variable_scope("s", reuse=True):
    tf.compat.v1.get_variable("missing", [1])  # reuse
"""
    report, cell = run(shell, source)
    (diag,) = report.diagnostics
    assert diag["code"] == "variable-missing"
    assert diag["sites"][0]["kind"] == "reuse"
    (merged,) = report.display["diagnostics"]
    assert merged["items"][0]["sites"][0]["text"] == f"reuse at {at(source, cell, 'reuse')}"


def test_repeated_warnings_merge_into_one_entry_with_a_count(shell):
    source = """%%scopes --quiet
for _ in range(3):
    with tf.compat.v1.variable_scope("dense", reuse=tf.compat.v1.AUTO_REUSE):
        tf.compat.v1.get_variable("w", [2])
"""
    report, _ = run(shell, source)
    found = [d for d in report.diagnostics if d["code"] == "eager-reuse-ignored"]
    assert len(found) == 2 and found[0]["advice"] == found[1]["advice"]
    (merged,) = report.display["diagnostics"]
    assert merged["level"] == "warning" and merged["count"] == 2
    assert merged["advice"] == found[0]["advice"]
    assert [item["message"] for item in merged["items"]] == [d["message"] for d in found]
    shown = text_tree.render(report).splitlines()
    assert shown[1] == "⚠ eager-reuse-ignored ×2"
    assert shown[2:5] == [f"  - {d['message']}" for d in found] + [f"  {merged['advice']}"]


def test_merged_diagnostics_list_errors_then_warnings_then_infos():
    def diag(level, code):
        return {"level": level, "code": code, "message": code, "nodes": [], "sites": []}

    merged = merged_diagnostics(
        [diag("info", "i"), diag("warning", "w"), diag("error", "e"), diag("warning", "w")]
    )
    assert [(m["code"], m["count"]) for m in merged] == [("e", 1), ("w", 2), ("i", 1)]


# -- similar-scope-names ------------------------------------------------------------------

TYPO_CELL = """%%scopes --graph --quiet
def encode(x, scope):
    with tf.compat.v1.variable_scope(scope, reuse=tf.compat.v1.AUTO_REUSE):
        return tf.compat.v1.get_variable("w", [1]) * x  # get
x = tf.zeros([1])
a = encode(x, "encoder")  # good
b = encode(x, "encodr")  # typo
c = encode(x, "layer_1")
d = encode(x, "layer_2")
"""


def test_a_likely_typo_in_a_sibling_scope_is_told(shell):
    report, cell = run(shell, TYPO_CELL)
    similar = [d for d in report.diagnostics if d["code"] == "similar-scope-names"]
    assert len(similar) == 1  # not layer_1 and layer_2
    (diag,) = similar
    assert diag["level"] == "info"
    get, good, typo = (at(TYPO_CELL, cell, m) for m in ("get", "good", "typo"))
    # names as TF gave them: the variables' scopes
    variables = {v["name"] for v in report.variables}
    assert {"encoder/w", "encodr/w"} <= variables
    assert diag["nodes"] == ["encoder", "encodr"]
    assert f"encoder (variables made at {get} ← {good})" in diag["message"]
    assert f"encodr (at {get} ← {typo})" in diag["message"]


@pytest.mark.parametrize(
    ("a", "b", "told"),
    [
        ("encoder", "encodr", True),  # a letter left out
        ("decoder", "deocder", True),  # two swapped
        ("layer_1", "layer_2", False),  # numbered siblings
        ("conv1", "conv2", False),
        ("dense", "dense_1", False),  # Keras's own uniquified names
        ("Conv1", "Conv_1", False),  # MobileNetV2's two layers
        ("Mixed_5b", "Mixed_5c", False),  # Inception's lettered blocks
        ("encoder", "decoder", False),  # a letter changed: a real word
        ("gen", "gne", False),  # too short to tell
    ],
)
def test_the_typo_rule(a, b, told):
    assert typo_pair(a, b) is told and typo_pair(b, a) is told


def test_typo_pairs_among_many_siblings_are_those_of_trying_every_pair():
    # Keras ResNet50's root scopes (~180 siblings, the case that made trying every pair
    # slow), the rule's names above, and typos of each kind among them.
    names = {
        f"conv{stage}_block{block}_{part}"
        for stage in range(2, 6)
        for block in range(1, 7)
        for part in (
            "0_conv",
            "0_bn",
            "1_conv",
            "1_bn",
            "2_conv",
            "2_bn",
            "3_conv",
            "3_bn",
            "add",
            "out",
        )
    }
    names |= {"encoder", "encodr", "decoder", "deocder", "Conv1", "Conv_1", "dense", "dense_1"}
    names |= {"conv3_blok2_1_conv", "conv4_block3_1_cnov", "conv5_block1_ad"}
    every_pair = [(a, b) for a, b in itertools.combinations(sorted(names), 2) if typo_pair(a, b)]
    assert every_pair == [
        ("conv3_block2_1_conv", "conv3_blok2_1_conv"),
        ("conv4_block3_1_cnov", "conv4_block3_1_conv"),
        ("conv5_block1_ad", "conv5_block1_add"),
        ("decoder", "deocder"),
        ("encoder", "encodr"),
    ]
    assert _typo_pairs(names) == every_pair


# -- what a tf.function trace reads -------------------------------------------------------


def test_a_function_trace_says_which_variables_it_reads():
    before = tf.Variable(1.0, name="made_before")
    with jupyter_scope.record() as rec:
        inside = tf.Variable(2.0, name="made_inside")

        @tf.function
        def f(x):
            return x * before + inside

        concrete = f.get_concrete_function(tf.TensorSpec([], tf.float32))
        concrete(tf.constant(1.0))
    report = rec.report
    truth = [v.name.removesuffix(":0") for v in concrete.graph.variables]
    assert sorted(truth) == ["made_before", "made_inside"]
    (graph,) = [g for g in report.meta["graphs"] if g["name"] == concrete.graph.name]
    assert graph["reads"] == truth
    assert {"name": concrete.graph.name, "reads": truth} in report.display["functions"]


# -- the diff names its reports -----------------------------------------------------------


def test_scopes_diff_names_the_reports_and_left_aligns_names(shell):
    for name, width in (("small", 2), ("large", 3)):
        run(
            shell,
            f"%%scopes {name} --graph --no-ops --quiet\ntf.compat.v1.get_variable('w', [{width}])",
        )
    shell.user_ns["renamed"] = shell.user_ns["small"]
    bundle = shell.run_line_magic("scopes_diff", "renamed large")._repr_mimebundle_()
    assert bundle["text/plain"].splitlines() == [
        "renamed → large",
        "variables: 1 shared, 0 only in renamed, 0 only in large, 1 changed",
        "  ~ w  shape: [2] → [3]",
        "scopes: 0 shared, 0 only in renamed, 0 only in large, 0 changed",
    ]
    assert "<b>renamed</b> → <b>large</b>" in bundle["text/html"]
    cells = re.findall(r"<t[dh](?: style=\"([^\"]*)\")?>", bundle["text/html"])
    assert cells[1:] and all(style == "text-align:left" for style in cells[1:])
    by_index = shell.run_line_magic("scopes_diff", "-2 -1")  # called by the reports' names
    assert by_index.labels == ("small", "large")


def test_the_diff_of_unnamed_cells_names_them_by_cell(shell):
    first, _ = run(shell, "%%scopes --graph --quiet\ntf.compat.v1.get_variable('w', [2])")
    second, _ = run(shell, "%%scopes --graph --quiet\ntf.compat.v1.get_variable('w', [3])")
    n, m = (r.meta["cell"]["execution_count"] for r in (first, second))
    diff = first.diff(second)
    assert diff.labels == (f"In [{n}]", f"In [{m}]")
    assert first.diff(second, ("train", "eval")).labels == ("train", "eval")
    assert str(first.diff(first)).startswith("A and B are the same")  # one name for both


# -- tracebacks ---------------------------------------------------------------------------


def traceback_of(shell: InteractiveShell, source: str) -> list[str]:
    """The traceback a cell shows, numbers (cell, lines) made `N`: the %%scopes line moves
    the body one line down."""
    with capture_output() as captured:
        shell.run_cell(source, store_history=True)
    return [re.sub(r"\d+", "N", line) for line in captured.stdout.splitlines()]


def test_a_raising_cell_shows_the_traceback_a_plain_cell_shows(shell):
    body = "def f():\n    return {}['x']\nf()\n"
    plain = traceback_of(shell, body)
    scoped = traceback_of(shell, "%%scopes --quiet\n" + body)
    assert "KeyError: 'x'" in plain[-1]
    assert scoped == plain
    assert not any("run_cell_magic" in line or "hidden" in line for line in scoped)
