"""`%%scopes`, `%scopes_export` and `%scopes_diff` in a real IPython shell, against TF's truth."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

import jupyter_scope
from jupyter_scope import MIME_TYPE, ScopeReport
from jupyter_scope.notebook.history import HISTORY_SIZE

ROOT = Path(__file__).parent.parent

tf = pytest.importorskip("tensorflow")


def run(shell: InteractiveShell, source: str):
    """Run a cell as a notebook would; return IPython's ExecutionResult and what it showed."""
    with capture_output() as captured:
        result = shell.run_cell(source, store_history=True)
    return result, captured


def newest() -> ScopeReport:
    return jupyter_scope.reports[-1]


def names(report: ScopeReport) -> set[str]:
    return {v["name"] for v in report.variables}


def graph_variable_names(graph) -> set[str]:
    return {v.name.removesuffix(":0") for v in graph.get_collection("variables")}


# -- running the cell as IPython would ----------------------------------------------------


def test_namespace_is_shared(shell):
    run(shell, "before = 20")
    result, _ = run(shell, "%%scopes\nafter = before + 1")
    assert result.success
    assert shell.user_ns["after"] == 21


def test_last_expression_is_shown_as_the_cell_output(shell):
    result, captured = run(shell, "%%scopes\nx = 40\nx + 2")
    assert result.result == 42
    assert shell.user_ns["Out"][result.execution_count] == 42
    assert shell.user_ns["_"] == 42
    assert "Out[" in captured.stdout


def test_trailing_semicolon_hides_the_last_expression(shell):
    result, _ = run(shell, "%%scopes\n41 + 1;")
    assert result.result is None


def test_top_level_await_runs_on_ipythons_loop_runner(shell):
    cell = "%%scopes\nimport asyncio\nawaited = await asyncio.sleep(0, result=5)\nawaited * 2"
    # In a thread of its own, as in terminal IPython: no event loop runs there (the tests'
    # session-wide Playwright browser keeps one running in the main thread).
    with ThreadPoolExecutor(1) as pool:
        result, _ = pool.submit(run, shell, cell).result()
    assert result.success and result.result == 10
    assert shell.user_ns["awaited"] == 5


def test_top_level_await_in_a_running_loop_is_a_usage_error(shell):
    # As in a Jupyter kernel, which runs the cell in its own, busy, event loop.
    cell = "%%scopes\nimport asyncio\nloop_awaited = await asyncio.sleep(0, result=5)"
    with capture_output():
        running = shell.run_cell_async(
            cell, store_history=True, transformed_cell=shell.transform_cell(cell)
        )
        with ThreadPoolExecutor(1) as pool:  # see the test above
            result = pool.submit(asyncio.run, running).result()
    assert isinstance(result.error_in_exec, UsageError)
    assert "event loop" in str(result.error_in_exec)
    assert "loop_awaited" not in shell.user_ns


def test_exception_propagates_with_the_cells_own_lines(shell):
    result, captured = run(shell, "%%scopes\nfine = 1\nraise KeyError('boom')")
    assert isinstance(result.error_in_exec, KeyError)
    assert result.error_in_exec.args == ("boom",)
    assert shell.user_ns["fine"] == 1
    assert "raise KeyError('boom')" in captured.stdout
    assert f"In[{result.execution_count}], line 3" in captured.stdout
    assert newest().error == {"type": "KeyError", "message": "'boom'"}


@pytest.mark.parametrize("bad_line", ["if", "return 1", "x = = 2"])
def test_syntax_error_looks_as_in_a_plain_cell_and_nothing_runs(shell, bad_line):
    count = len(jupyter_scope.reports)
    plain, plain_shown = run(shell, f"pass\nplain = 1\n{bad_line}")
    magic, magic_shown = run(shell, f"%%scopes\nsyntax_ran = 1\n{bad_line}")
    for result in (plain, magic):
        assert isinstance(result.error_before_exec, SyntaxError) and not result.error_in_exec
    # The same lines, with no frame of the magic's: only the cell number differs.
    expected = plain_shown.stdout.replace(
        f"In[{plain.execution_count}]", f"In[{magic.execution_count}]"
    )
    assert "SyntaxError" in expected and "Traceback" not in expected
    assert magic_shown.stdout == expected
    assert "syntax_ran" not in shell.user_ns
    assert len(jupyter_scope.reports) == count


def test_an_unfinished_scopes_cell_is_still_incomplete_while_typed(shell):
    check = shell.input_transformer_manager.check_complete
    assert check("%%scopes\nif x:\n")[0] == "incomplete"
    assert check("%%scopes\nif x:\n    pass\n\n")[0] == "complete"


# -- bad arguments ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    ["%%scopes --bogus", "%%scopes not-a-name", "%%scopes --filter 'conv['", "%%scopes a b"],
)
def test_bad_arguments_are_a_usage_error_and_the_cell_does_not_run(shell, line):
    count = len(jupyter_scope.reports)
    result, _ = run(shell, f"{line}\nbad_args_ran = True")
    assert isinstance(result.error_in_exec, UsageError)
    assert "bad_args_ran" not in shell.user_ns
    assert len(jupyter_scope.reports) == count


def test_help_has_options_and_examples(shell):
    doc = shell.find_cell_magic("scopes").__doc__
    for text in ("--graph", "--no-ops", "--quiet", "--export", "--filter", "Examples"):
        assert text in doc


# -- the report ---------------------------------------------------------------------------

TF1_CELL = """%%scopes {args}
graph = tf.compat.v1.get_default_graph()
with tf.compat.v1.variable_scope("foo"):
    v = tf.compat.v1.get_variable("v", [1])
with tf.compat.v1.variable_scope("foo", reuse=True):
    v1 = tf.compat.v1.get_variable("v", [1])
y = 1.0 + v1
"""


def test_graph_runs_in_a_fresh_graph_and_reports_tfs_variables(shell):
    outer = tf.compat.v1.get_default_graph()
    result, _ = run(shell, TF1_CELL.format(args="--graph"))
    assert result.success
    graph = shell.user_ns["graph"]
    assert graph is not outer
    assert graph is not tf.compat.v1.get_default_graph()
    assert shell.user_ns["v1"] is shell.user_ns["v"]
    report = newest()
    assert report.meta["mode"] == "graph"
    assert names(report) == graph_variable_names(graph) == {"foo/v"}
    (var,) = report.variables
    assert (var["created"], var["reuse_count"]) == (True, 1)
    assert shell.user_ns["y"].op.name in {op["name"] for op in report.ops}


def test_each_graph_cell_gets_its_own_graph(shell):
    run(shell, TF1_CELL.format(args="--graph"))
    first = shell.user_ns["graph"]
    result, _ = run(shell, TF1_CELL.format(args="--graph"))
    assert result.success  # no "foo/v already exists": a new graph
    assert shell.user_ns["graph"] is not first


def test_sites_name_the_cell_and_its_lines(shell):
    result, _ = run(shell, TF1_CELL.format(args="--graph"))
    (var,) = newest().variables
    cell = f"In [{result.execution_count}]"
    assert [{k: site[k] for k in ("file", "line", "kind")} for site in var["sites"]] == [
        {"file": cell, "line": 4, "kind": "create"},
        {"file": cell, "line": 6, "kind": "reuse"},
    ]


def test_meta_names_the_cell_and_the_report(shell):
    result, _ = run(shell, TF1_CELL.format(args="--graph towers"))
    report = shell.user_ns["towers"]
    assert report is newest()
    assert report.meta["name"] == "towers"
    assert report.meta["cell"] == {"execution_count": result.execution_count, "id": None}


def test_no_ops_records_variables_only(shell):
    run(shell, TF1_CELL.format(args="--graph --no-ops"))
    report = newest()
    assert report.ops == []
    assert shell.user_ns["graph"].get_operations()  # TF did make ops
    assert names(report) == {"foo/v"}


def test_forgotten_reuse_raises_the_same_error_and_keeps_the_partial_report(shell):
    cell = TF1_CELL.format(args="--graph failed").replace(", reuse=True", "")
    result, captured = run(shell, cell)
    error = result.error_in_exec
    assert isinstance(error, ValueError)
    assert "foo/v already exists" in str(error)
    report = shell.user_ns["failed"]
    assert report.error["type"] == "ValueError"
    assert "variable-exists" in {d["code"] for d in report.diagnostics}
    assert names(report) == graph_variable_names(shell.user_ns["graph"])
    assert any(MIME_TYPE in output.data for output in captured.outputs)
    # The traceback shows the cell and TF, not the recorder's hooks in between.
    assert "already exists" in captured.stdout + captured.stderr
    assert "jupyter_scope/capture" not in captured.stdout + captured.stderr


def test_eager_cell_records_eager_variables(shell):
    run(shell, "%%scopes\nw = tf.Variable(tf.zeros([2, 3]), name='w')")
    (var,) = newest().variables
    assert newest().meta["mode"] == "eager"
    assert (var["name"], var["shape"], var["params"]) == ("w", [2, 3], 6)
    assert var["name"] == shell.user_ns["w"].name.removesuffix(":0")


# -- display, storage, export -------------------------------------------------------------


def test_report_is_displayed_with_all_its_mime_types(shell):
    _, captured = run(shell, TF1_CELL.format(args="--graph"))
    (output,) = captured.outputs
    assert {"text/plain", "text/html", MIME_TYPE} <= set(output.data)
    assert ScopeReport.from_dict(output.data[MIME_TYPE]).to_dict() == newest().to_dict()


def test_filter_shows_only_matching_scopes(shell):
    cell = TF1_CELL.format(args="--graph --filter ^bar") + (
        "with tf.compat.v1.variable_scope('bar'):\n    tf.compat.v1.get_variable('w', [2])\n"
    )
    _, captured = run(shell, cell)
    text = captured.outputs[0].data["text/plain"]
    assert "bar" in text
    assert "foo" not in text.split("\n", 1)[1]  # the summary line still counts everything


def test_quiet_displays_nothing_but_stores(shell):
    count = len(jupyter_scope.reports)
    _, captured = run(shell, TF1_CELL.format(args="--graph --quiet quiet_report"))
    assert captured.outputs == []
    assert len(jupyter_scope.reports) == min(count + 1, HISTORY_SIZE)
    assert shell.user_ns["quiet_report"] is newest()


def test_history_is_bounded_newest_last(shell):
    for i in range(HISTORY_SIZE + 3):
        run(shell, f"%%scopes --quiet r{i}\npass")
    assert len(jupyter_scope.reports) == HISTORY_SIZE
    assert jupyter_scope.reports[-1] is shell.user_ns[f"r{HISTORY_SIZE + 2}"]
    assert jupyter_scope.reports[0] is shell.user_ns["r3"]


def test_export_option_writes_the_report(shell, tmp_path):
    path = tmp_path / "cell.json"
    for _ in range(2):  # running the cell again overwrites its export
        result, _ = run(shell, TF1_CELL.format(args=f"--graph --quiet --export {path}"))
        assert result.success
    assert ScopeReport.from_json(path.read_text()).to_dict() == newest().to_dict()


@pytest.mark.parametrize("target", ["r.bogus", "missing/r.json", "dir.json"])
def test_bad_export_is_a_usage_error_before_the_cell_runs(shell, tmp_path, target):
    (tmp_path / "dir.json").mkdir()
    count = len(jupyter_scope.reports)
    result, _ = run(shell, f"%%scopes --export {tmp_path / target}\nexport_cell_ran = True")
    assert isinstance(result.error_in_exec, UsageError)
    assert "--export" in str(result.error_in_exec)
    assert "export_cell_ran" not in shell.user_ns
    assert len(jupyter_scope.reports) == count


# The cell itself puts a directory where its export goes: checked fine, fails after.
BLOCKED_EXPORT_CELL = """%%scopes --quiet --export {path}
import os
os.mkdir({path!r})
{last}
"""


def test_a_failing_export_does_not_hide_the_cells_own_exception(shell, tmp_path):
    path = str(tmp_path / "r.json")
    result, captured = run(shell, BLOCKED_EXPORT_CELL.format(path=path, last="raise KeyError(7)"))
    assert type(result.error_in_exec) is KeyError and result.error_in_exec.args == (7,)
    assert "--export failed" in captured.stderr and "a directory" in captured.stderr
    assert newest().error == {"type": "KeyError", "message": "7"}


def test_a_failing_export_of_a_cell_that_ran_is_a_usage_error(shell, tmp_path):
    path = str(tmp_path / "r.json")
    result, _ = run(shell, BLOCKED_EXPORT_CELL.format(path=path, last="pass"))
    assert isinstance(result.error_in_exec, UsageError)
    assert "a directory" in str(result.error_in_exec)
    assert newest().error is None  # stored all the same


def test_scopes_export_newest_or_named(shell, tmp_path):
    run(shell, TF1_CELL.format(args="--graph --quiet named"))
    run(shell, "%%scopes --quiet\npass")
    shell.run_line_magic("scopes_export", f"{tmp_path / 'newest.json'}")
    shell.run_line_magic("scopes_export", f"named {tmp_path / 'named.md'}")
    shell.run_line_magic("scopes_export", f"-2 {tmp_path / 'previous.json'} --format json")
    assert ScopeReport.from_json((tmp_path / "newest.json").read_text()).variables == []
    assert "foo/v" in (tmp_path / "named.md").read_text()
    previous = ScopeReport.from_json((tmp_path / "previous.json").read_text())
    assert names(previous) == {"foo/v"}


def test_scopes_export_refuses_to_overwrite_without_force(shell, tmp_path):
    path = tmp_path / "r.json"
    run(shell, "%%scopes --quiet\npass")
    shell.run_line_magic("scopes_export", str(path))
    with pytest.raises(UsageError, match="already exists"):
        shell.run_line_magic("scopes_export", str(path))
    shell.run_line_magic("scopes_export", f"{path} --force")


@pytest.mark.parametrize(
    ("target", "message"),
    [("r.bogus", "suffix"), ("missing/r.json", "does not exist"), ("dir.json", "a directory")],
)
def test_scopes_export_errors_are_usage_errors(shell, tmp_path, target, message):
    (tmp_path / "dir.json").mkdir()
    run(shell, "%%scopes --quiet\npass")
    with pytest.raises(UsageError, match=message):
        shell.run_line_magic("scopes_export", f"{tmp_path / target} --force")
    assert [p.name for p in tmp_path.iterdir()] == ["dir.json"]  # nothing written
    assert list((tmp_path / "dir.json").iterdir()) == []


def test_scopes_diff_by_name_and_index(shell):
    run(shell, TF1_CELL.format(args="--graph --quiet old"))
    cell = TF1_CELL.format(args="--graph --quiet new").replace('"v", [1]', '"v", [3]')
    run(shell, cell.replace(", reuse=True", ", reuse=tf.compat.v1.AUTO_REUSE"))
    by_name = shell.run_line_magic("scopes_diff", "old new")
    by_index = shell.run_line_magic("scopes_diff", "-2 -1")
    bundle = by_name._repr_mimebundle_()
    assert "text/plain" in bundle
    assert bundle == by_index._repr_mimebundle_()


def test_scopes_diff_of_unknown_names_is_a_usage_error(shell):
    with pytest.raises(UsageError):
        shell.run_line_magic("scopes_diff", "nothing -1")


# -- importing TensorFlow -----------------------------------------------------------------

SUBPROCESS_PRELUDE = """
import sys
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
shell.run_line_magic("load_ext", "jupyter_scope")
"""


def run_python(code: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.run(
        [sys.executable, "-c", SUBPROCESS_PRELUDE + code],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_tensorflow_is_imported_only_when_the_magic_first_runs():
    done = run_python(
        "assert 'tensorflow' not in sys.modules\n"
        "assert shell.run_cell('%%scopes\\nx = 1').success\n"
        "assert 'tensorflow' in sys.modules\n"
    )
    assert done.returncode == 0, done.stderr


def test_missing_tensorflow_says_how_to_install_it():
    done = run_python(
        "sys.modules['tensorflow'] = None  # as if not installed\n"
        "result = shell.run_cell('%%scopes\\nran = 1')\n"
        "print(type(result.error_in_exec).__name__, 'ran' in shell.user_ns)\n"
    )
    assert "UsageError False" in done.stdout
    assert 'pip install "jupyter-scope[tensorflow]"' in done.stdout + done.stderr
