"""Run one notebook cell under `record()`: the plain functions behind `%%scopes`.

Everything here takes a *shell-like* object: anything with IPython's `user_ns`,
`user_global_ns`, `displayhook.prompt_count`, `transform_cell`, `transform_ast` and
`compile` (a `CachingCompiler`). The magic in `magics.py` only parses its arguments and calls `run`.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import inspect
import keyword
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import CodeType
from typing import Any

from IPython.core.displayhook import DisplayHook
from IPython.core.error import UsageError

from jupyter_scope.document.codec import ReportFormatError
from jupyter_scope.export.write import ExportError, prepare
from jupyter_scope.model.report import ScopeReport
from jupyter_scope.notebook.history import reports, widgets

TF_MISSING = (
    "%%scopes needs TensorFlow, which is not installed here. Install it with\n"
    '    pip install "jupyter-scope[tensorflow]"\n'
    'or, for the CPU-only build, pip install "jupyter-scope[tensorflow-cpu]".'
)
TOP_LEVEL_AWAIT = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT  # as IPython compiles an async cell
BODY_FIRST_LINE = 2
"""The line of the notebook cell where the body starts: line 1 is `%%scopes ...`."""


@dataclass(frozen=True)
class CellOptions:
    """The options of `%%scopes [NAME] [options]`; invalid ones raise `UsageError`."""

    name: str | None = None
    graph: bool = False
    ops: bool = True
    placement: bool = True
    profile: bool = False
    quiet: bool = False
    export: str | None = None
    filter: str | None = None
    checkpoint: str | None = None

    def __post_init__(self) -> None:
        if self.name is not None and not is_variable_name(self.name):
            raise UsageError(f"%%scopes: NAME must be a Python variable name, got {self.name!r}")
        if self.filter is not None:
            try:
                re.compile(self.filter)
            except re.error as exc:
                raise UsageError(f"%%scopes: bad --filter regex {self.filter!r}: {exc}") from None
        if self.export is not None:  # before the cell runs, not after a long run
            try:
                prepare(Path(self.export), None, force=True, ops=False)
            except ExportError as exc:
                raise UsageError(f"%%scopes: --export: {exc}") from None


def is_variable_name(text: str) -> bool:
    return text.isidentifier() and not keyword.iskeyword(text)


# -- running the code exactly as IPython would ------------------------------------------


@dataclass(frozen=True)
class CompiledCell:
    """A cell's statements, and its last expression when it ends with one (IPython shows it)."""

    statements: CodeType
    last_expression: CodeType | None


def parse_cell(shell: Any, body: str, number: int) -> tuple[str, str, ast.Module]:
    """A cell body's source as run, the filename it is cached under (so that tracebacks
    show it) and its syntax tree.

    The body is padded with blank lines so that line numbers (in tracebacks and in the
    report's sites) are lines of the notebook cell: below the `%%scopes` line, body line 1
    is cell line 2. IPython's input transforms drop leading blank lines; the padding
    puts them back.
    """
    padding = "\n" * (BODY_FIRST_LINE - 1 + _leading_blank_lines(body))
    source = padding + shell.transform_cell(body)
    filename = shell.compile.cache(source, number, raw_code=source)
    return source, filename, shell.compile.ast_parse(source, filename=filename)


def compile_cell(shell: Any, body: str) -> CompiledCell:
    """Compile a cell body as IPython does. IPython shows the value of a last expression
    unless a semicolon ends it."""
    source, filename, tree = parse_cell(shell, body, execution_count(shell))
    tree = shell.transform_ast(tree)
    last = None
    with shell.compile.extra_flags(TOP_LEVEL_AWAIT):
        if tree.body and isinstance(tree.body[-1], ast.Expr) and not ends_with_semicolon(source):
            last = shell.compile(ast.Expression(tree.body.pop().value), filename, "eval")
        return CompiledCell(shell.compile(tree, filename, "exec"), last)


def check_syntax(shell: Any, body: str, number: int) -> None:
    """Raise the SyntaxError compiling the body of cell `number` would raise; run nothing."""
    _, filename, tree = parse_cell(shell, body, number)
    with shell.compile.extra_flags(TOP_LEVEL_AWAIT):
        shell.compile(tree, filename, "exec")


def ends_with_semicolon(source: str) -> bool:
    """`x;` as a cell's last line hides its value, as in a cell without the magic."""
    return bool(DisplayHook.semicolon_at_end_of_expression(source))


def _leading_blank_lines(text: str) -> int:
    lines = text.splitlines()
    return next((i for i, line in enumerate(lines) if line.strip()), len(lines))


def execute(shell: Any, cell: CompiledCell) -> Any:
    """Run the cell in the user namespace; return the last expression's value (or None).

    Code with a top-level `await` compiles to a coroutine, run to its end here by
    IPython's own loop runner (`%autoawait`), as IPython runs such a plain cell.
    """
    __tracebackhide__ = True
    finish(shell, eval(cell.statements, shell.user_global_ns, shell.user_ns))
    if cell.last_expression is None:
        return None
    return finish(shell, eval(cell.last_expression, shell.user_global_ns, shell.user_ns))


def traceback_from_cell(shell: Any, exc: BaseException, cell: CompiledCell) -> None:
    """Have IPython show `exc` from the cell's code on, as for a plain cell: without the
    `get_ipython().run_cell_magic(...)` line and the magic's frames above it.

    IPython renders an exception's `_render_traceback_` when it has one (its hook for
    exceptions that format themselves); this one starts the traceback at the cell's
    code. Raised again elsewhere, where no frame is the cell's, it shows in full.
    """
    if hasattr(exc, "_render_traceback_"):
        return
    codes = {cell.statements, cell.last_expression}

    def render() -> list[str]:
        tb = exc.__traceback__
        while tb is not None and tb.tb_frame.f_code not in codes:
            tb = tb.tb_next
        if tb is None:
            tb = exc.__traceback__
            return list(shell.InteractiveTB.structured_traceback(type(exc), exc, tb))
        return list(shell.InteractiveTB.structured_traceback(type(exc), exc, tb, tb_offset=0))

    with contextlib.suppress(AttributeError, TypeError):  # an exception without a __dict__
        exc._render_traceback_ = render  # type: ignore[attr-defined]


def finish(shell: Any, value: Any) -> Any:
    """The value of compiled cell code: a coroutine (top-level `await`) is run first."""
    __tracebackhide__ = True
    if not inspect.iscoroutine(value):
        return value
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return shell.loop_runner(value)
    value.close()
    raise UsageError(
        "%%scopes: top-level await needs an event loop of its own, and this shell's "
        "loop is busy running the cell (Jupyter kernel): await inside an async "
        "function run by the cell instead"
    )


def import_tensorflow() -> Any:
    """Import TensorFlow on first use, or say how to install it."""
    try:
        import tensorflow
    except ImportError as exc:
        raise UsageError(f"{TF_MISSING}\n(import tensorflow failed: {exc})") from None
    return tensorflow


def graph_mode(tf: Any, fresh_graph: bool) -> contextlib.AbstractContextManager[Any]:
    """A fresh `tf.Graph()` as the default graph (TF1 semantics), or nothing."""
    return tf.Graph().as_default() if fresh_graph else contextlib.nullcontext()


# -- what the report learns about the cell ------------------------------------------------


def execution_count(shell: Any) -> int:
    """The running cell's number, the n of its `In [n]` (IPython 9 counts up before running)."""
    return int(shell.displayhook.prompt_count)


def cell_meta(shell: Any) -> dict[str, Any]:
    """`{"execution_count", "id"}`; the id is the front end's cell id (ipykernel only)."""
    get_parent = getattr(shell, "get_parent", None)
    parent = (get_parent() if get_parent else None) or {}
    return {
        "execution_count": execution_count(shell),
        "id": parent.get("metadata", {}).get("cellId"),
    }


def _locations(report: ScopeReport) -> Iterator[dict[str, Any]]:
    """Every `{"file", "line", ...}` of the report: sites and the callers they list."""
    site_lists = [data.get("sites", ()) for _, data in report.graph.nodes(data=True)]
    site_lists += [diagnostic["sites"] for diagnostic in report.diagnostics]
    for sites in site_lists:
        for site in sites:
            yield site
            yield from site.get("callers", ())


def label_cell_sites(report: ScopeReport, filename_map: Mapping[str, int | None]) -> None:
    """Name notebook cells in sites and messages, in place: `<ipython-input-3-…>` → `In [3]`.

    `filename_map` is IPython's `shell.compile._filename_map` (compiled filename →
    execution count). Lines already count from the top of the cell (see `compile_cell`).
    """
    labels: dict[str, str] = {}
    for location in _locations(report):
        number = filename_map.get(location["file"])
        if number is not None:
            labels[location["file"]] = f"In [{number}]"
            location["file"] = labels[location["file"]]
    for diagnostic in report.diagnostics:
        for filename, label in labels.items():
            diagnostic["message"] = diagnostic["message"].replace(filename, label)


# -- resolving report references (for %scopes_export and %scopes_diff) -----------------


def resolve_report(user_ns: Mapping[str, Any], ref: str | None) -> ScopeReport:
    """A report named by a user variable, a history index (`-1`, `0`), or the newest one."""
    if ref is None:
        ref = "-1"
    if re.fullmatch(r"-?\d+", ref):
        try:
            return reports[int(ref)]
        except IndexError:
            raise UsageError(
                f"no report {ref} in the history ({len(reports)} reports); "
                "run a %%scopes cell first"
            ) from None
    value = user_ns.get(ref)
    if not isinstance(value, ScopeReport):
        raise UsageError(f"{ref!r} is not a ScopeReport variable nor a history index")
    return value


def report_label(ref: str) -> str | None:
    """How `%scopes_diff` calls a report: by the user variable named, else (a history
    index) by what the report is called."""
    return None if re.fullmatch(r"-?\d+", ref) else ref


# -- the whole cell -----------------------------------------------------------------------


def load_checkpoint(path: str | None) -> ScopeReport | None:
    """What `--checkpoint` names, read before the cell runs: a bad path runs nothing."""
    if path is None:
        return None
    from jupyter_scope.load.loader import load

    try:
        return load(path)
    except ReportFormatError as exc:
        raise UsageError(f"%%scopes: --checkpoint: {exc}") from None


def run(shell: Any, body: str, options: CellOptions) -> Any:
    """Run a `%%scopes` cell; return its last expression's value for IPython to show.

    The report is stored, exported and shown even when the cell raises; the exception
    then propagates unchanged.
    """
    __tracebackhide__ = True
    tf = import_tensorflow()
    from jupyter_scope import record

    cell = compile_cell(shell, body)
    checkpoint = load_checkpoint(options.checkpoint)
    recording = record(ops=options.ops, placement=options.placement, profile=options.profile)
    raised = True
    try:
        with graph_mode(tf, options.graph), recording:
            value = execute(shell, cell)
        raised = False
        return value
    except BaseException as exc:
        traceback_from_cell(shell, exc, cell)
        raise
    finally:
        report = getattr(recording, "report", None)
        if report is not None:
            publish(shell, report, options, cell_raised=raised, checkpoint=checkpoint)


def publish(
    shell: Any,
    report: ScopeReport,
    options: CellOptions,
    *,
    cell_raised: bool,
    checkpoint: ScopeReport | None = None,
) -> None:
    """Label, store, show and export the report of a cell. When the cell raised, a failed
    export is only told on stderr: the cell's own exception is the one that propagates."""
    label_cell_sites(report, shell.compile._filename_map)
    report.meta["cell"] = cell_meta(shell)
    report.meta["name"] = options.name
    reports.append(report)
    if options.name is not None:
        shell.user_ns[options.name] = report
    if options.quiet:
        if getattr(shell, "kernel", None) is not None:
            from jupyter_scope.notebook.output import show_quiet

            show_quiet(report)
    else:
        from jupyter_scope.notebook.output import show

        widget = show(
            report, live=getattr(shell, "kernel", None) is not None, filter=options.filter
        )
        if widget is not None:
            widgets.append(widget)
        if checkpoint is not None:
            from IPython.display import display

            display(report.match(checkpoint))
    if options.export is not None:
        try:
            report.export(options.export, force=True)
        except ExportError as exc:
            if not cell_raised:
                raise UsageError(f"%%scopes: --export: {exc}") from None
            print(f"%%scopes: --export failed: {exc}", file=sys.stderr)
