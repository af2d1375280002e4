"""The plain functions behind `%%scopes`, without an IPython shell."""

from __future__ import annotations

import linecache
import traceback
from types import SimpleNamespace

import pytest
from IPython.core.compilerop import CachingCompiler
from IPython.core.error import UsageError
from IPython.core.magic_arguments import parse_argstring
from report_factory import sample_report

from jupyter_scope import reports
from jupyter_scope.notebook import cell
from jupyter_scope.notebook.magics import ScopeMagics


class FakeShell:
    """The parts of terminal IPython's shell that `cell` uses; no input transforms."""

    def __init__(self, execution_count: int = 7) -> None:
        self.user_ns: dict = {}
        self.user_global_ns = self.user_ns
        self.displayhook = SimpleNamespace(prompt_count=execution_count)
        self.compile = CachingCompiler()

    def transform_cell(self, source: str) -> str:
        return source.lstrip("\n")

    def transform_ast(self, tree):
        return tree


class FakeKernelShell(FakeShell):
    """ipykernel's shell also knows the request being run, with the front end's cell id."""

    def __init__(self, execution_count: int, parent: dict) -> None:
        super().__init__(execution_count)
        self.parent = parent

    def get_parent(self) -> dict:
        return self.parent


def run_body(shell: FakeShell, body: str):
    return cell.execute(shell, cell.compile_cell(shell, body))


# -- options ------------------------------------------------------------------------------


def options(line: str) -> cell.CellOptions:
    """The options `%%scopes LINE` runs with, parsed by the magic's own parser."""
    return cell.CellOptions(**vars(parse_argstring(ScopeMagics.scopes, line)))


def fields(options: cell.CellOptions) -> tuple:
    return (
        options.name,
        options.graph,
        options.ops,
        options.placement,
        options.quiet,
        options.export,
        options.filter,
        options.checkpoint,
    )


def test_a_bare_scopes_line_records_ops_and_placement_and_shows_the_report():
    assert fields(options("")) == (None, False, True, True, False, None, None, None)


def test_each_flag_of_the_scopes_line_reaches_the_options(tmp_path):
    out = tmp_path / "out.json"
    line = f"towers --graph --no-ops --no-placement --quiet --export {out} --filter ^conv"
    assert fields(options(line + " --checkpoint ckpt/")) == (
        "towers",
        True,
        False,
        False,
        True,
        str(out),
        "^conv",
        "ckpt/",
    )


@pytest.mark.parametrize("name", ["1abc", "a-b", "class", "a b"])
def test_name_must_be_a_variable_name(name):
    with pytest.raises(UsageError, match="NAME"):
        cell.CellOptions(name=name)


def test_bad_filter_regex_is_a_usage_error():
    with pytest.raises(UsageError, match="--filter"):
        cell.CellOptions(filter="conv[")


def test_an_export_path_that_cannot_be_written_is_refused_before_the_cell_runs(tmp_path):
    with pytest.raises(UsageError, match=r"--export: .*suffix"):
        options(f"--export {tmp_path / 'out.xlsx'}")
    with pytest.raises(UsageError, match=r"--export: .*does not exist"):
        options(f"--export {tmp_path / 'no' / 'out.json'}")


# -- running code -------------------------------------------------------------------------


def test_namespace_is_the_users():
    shell = FakeShell()
    shell.user_ns["a"] = 2
    assert run_body(shell, "b = a * 3") is None
    assert shell.user_ns["b"] == 6


def test_last_expression_is_returned():
    shell = FakeShell()
    assert run_body(shell, "x = 4\nx + 1") == 5


def test_expression_not_last_is_not_returned():
    assert run_body(FakeShell(), "1 + 1\ny = 3") is None


def test_functions_defined_in_the_cell_see_the_namespace():
    shell = FakeShell()
    assert run_body(shell, "k = 10\ndef f():\n    return k\nf()") == 10


def test_exception_propagates_with_cell_lines():
    shell = FakeShell(execution_count=3)
    with pytest.raises(ZeroDivisionError) as info:
        run_body(shell, "a = 1\nb = a / 0")
    frame = traceback.extract_tb(info.value.__traceback__)[-1]
    assert frame.lineno == 3  # body line 2 is cell line 3, below the %%scopes line
    assert frame.line == "b = a / 0"
    assert shell.compile._filename_map[frame.filename] == 3


def test_leading_blank_lines_keep_cell_line_numbers():
    shell = FakeShell()
    with pytest.raises(KeyError) as info:
        run_body(shell, "\n\n{}['x']")
    frame = traceback.extract_tb(info.value.__traceback__)[-1]
    assert (frame.lineno, frame.line) == (4, "{}['x']")


def test_source_is_cached_for_tracebacks():
    shell = FakeShell()
    compiled = cell.compile_cell(shell, "v = 1\nw = 2")
    filename = compiled.statements.co_filename
    assert linecache.getline(filename, 3) == "w = 2\n"


def test_syntax_error_raises_before_running():
    shell = FakeShell()
    with pytest.raises(SyntaxError):
        cell.compile_cell(shell, "ran = True\nif")
    assert "ran" not in shell.user_ns


def test_future_flags_of_the_shell_compiler_apply():
    shell = FakeShell()
    run_body(shell, "from __future__ import annotations\ndef f(x: Undefined): pass")
    assert shell.user_ns["f"].__annotations__ == {"x": "Undefined"}


# -- meta, sites, references --------------------------------------------------------------


def test_cell_meta_in_a_kernel():
    shell = FakeKernelShell(5, {"metadata": {"cellId": "abc-1"}})
    assert cell.cell_meta(shell) == {"execution_count": 5, "id": "abc-1"}


def test_cell_meta_in_a_terminal():
    assert cell.cell_meta(FakeShell(execution_count=2)) == {"execution_count": 2, "id": None}


def test_label_cell_sites_names_cells_and_keeps_lines():
    report = sample_report()
    var = report.graph.nodes["var:g0:image_filters/conv1/weights"]
    var["sites"] = [
        {"file": "<ipython-input-4-abc>", "line": 9, "kind": "create", "callers": []},
        {
            "file": "/home/me/model.py",
            "line": 12,
            "kind": "reuse",
            "callers": [{"file": "<ipython-input-4-abc>", "line": 15}],
        },
    ]
    diagnostic = report.diagnostics[0]
    diagnostic["sites"] = [{"file": "<ipython-input-4-abc>", "line": 14, "kind": "create"}]
    diagnostic["message"] = "first created at <ipython-input-4-abc>, line 9"
    cell.label_cell_sites(report, {"<ipython-input-4-abc>": 4})
    assert var["sites"] == [
        {"file": "In [4]", "line": 9, "kind": "create", "callers": []},
        {
            "file": "/home/me/model.py",
            "line": 12,
            "kind": "reuse",
            "callers": [{"file": "In [4]", "line": 15}],
        },
    ]
    assert diagnostic["sites"] == [{"file": "In [4]", "line": 14, "kind": "create"}]
    assert diagnostic["message"] == "first created at In [4], line 9"


@pytest.fixture
def history():
    saved = list(reports)
    reports.clear()
    yield reports
    reports.clear()
    reports.extend(saved)


def test_resolve_report_by_variable_index_or_newest(history):
    first, second = sample_report(), sample_report()
    history.extend([first, second])
    assert cell.resolve_report({}, None) is second
    assert cell.resolve_report({}, "0") is first
    assert cell.resolve_report({}, "-2") is first
    assert cell.resolve_report({"mine": first}, "mine") is first


def test_resolve_report_errors(history):
    with pytest.raises(UsageError, match="run a %%scopes cell"):
        cell.resolve_report({}, None)
    with pytest.raises(UsageError, match="not a ScopeReport"):
        cell.resolve_report({"x": 1}, "x")
    with pytest.raises(UsageError, match="not a ScopeReport"):
        cell.resolve_report({}, "missing")


def test_semicolon_hides_the_last_expression_but_runs_it():
    shell = FakeShell()
    assert run_body(shell, "seen = []\nseen.append(1);  # hidden") is None
    assert shell.user_ns["seen"] == [1]
