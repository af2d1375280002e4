"""`jupyter-scope`: record a script, show, diff and convert scope reports from a shell."""

from __future__ import annotations

import argparse
import contextlib
import itertools
import re
import runpy
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jupyter_scope.capture.tf_api import TensorFlowNotAvailable, UnsupportedTensorFlow
from jupyter_scope.document.codec import ReportFormatError
from jupyter_scope.export.formats import FORMATS
from jupyter_scope.export.write import ExportError, export, prepare
from jupyter_scope.model import collector
from jupyter_scope.model.report import ScopeReport
from jupyter_scope.present.human import visible

PROG = "jupyter-scope"
USER_ERROR = 2  # exit code of a usage or input error, as argparse uses
WRITTEN_LINES = 10_000  # lines `show` writes at a time

EXAMPLES = """\
examples:
  jupyter-scope run train.py --epochs 3         record train.py (run with --epochs 3)
  jupyter-scope run -o model.html train.py      ... and write a standalone HTML report
  jupyter-scope run --graph -o r.json build.py  run inside a fresh tf.Graph() (TF1 style)
  jupyter-scope show r.json --filter 'conv[0-9]'
  jupyter-scope diff train.json eval.json       exit status 0 if the same, 1 if not
  jupyter-scope show ckpt/model.ckpt            a checkpoint, SavedModel, .pb or event file
  jupyter-scope match model.json ckpt/          exit status 0 if all match, 1 if not
  jupyter-scope convert r.json -o r.md          formats: {formats}

jupyter-scope's own options go before SCRIPT; everything after SCRIPT is the script's.
""".format(formats=" ".join(FORMATS))


class UserError(Exception):
    """A problem with the user's input: reported in one line, without a traceback."""


# -- reading reports ---------------------------------------------------------------------


def import_jsonschema() -> None:
    """Import jsonschema without `rfc3987_syntax`, which compiles 38 lark grammars (~1 s
    of every command that reads a report) for the `iri` formats that only a format
    checker asks; a report's validator has none. Only for the commands that read reports:
    `run` leaves the user's script its usual jsonschema."""
    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        return
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # import fails: skipped
    try:
        import jsonschema  # noqa: F401
    finally:
        del sys.modules["rfc3987_syntax"]


def load(path: str) -> ScopeReport:
    """A JSON report, or anything else `jupyter_scope.load` reads (checkpoints, graphs)."""
    from jupyter_scope.load.loader import load as load_source

    try:
        return load_source(path)
    except ReportFormatError as exc:
        raise UserError(str(exc)) from None


# -- run ----------------------------------------------------------------------------------


@contextlib.contextmanager
def spinner(label: str) -> Iterator[None]:
    """A `⠋ running train.py 12s` line on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield
        return
    done = threading.Event()
    start = time.monotonic()

    def spin() -> None:
        for frame in itertools.cycle("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"):
            if done.wait(0.1):
                break
            sys.stderr.write(f"\r{frame} {label} {time.monotonic() - start:.0f}s\033[K")
            sys.stderr.flush()
        sys.stderr.write("\r\033[K")

    thread = threading.Thread(target=spin, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def exit_code(exc: SystemExit) -> int:
    """The status `python` exits with for `raise SystemExit(code)`."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return 1


def print_script_traceback(exc: BaseException, script: str) -> None:
    """The traceback `python SCRIPT` would print: from the script's first frame on."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != script:
        tb = tb.tb_next
    traceback.print_exception(type(exc), exc, tb or exc.__traceback__)


def fresh_graph(graph: bool) -> contextlib.AbstractContextManager[Any]:
    """A new default `tf.Graph` when `graph` (TF1 semantics), else nothing."""
    if not graph:
        return contextlib.nullcontext()
    import tensorflow as tf

    graph_context: contextlib.AbstractContextManager[Any] = tf.Graph().as_default()
    return graph_context


def run_main(script: str) -> int:
    """Run `script` as `__main__`; the status it asked for with `sys.exit`, else 0.

    A `sys.exit` is how a script ends, not an error: it is caught here, inside the
    recording, so the report does not flag it.
    """
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as exc:
        return exit_code(exc)
    return 0


def run_script(script: str, args: list[str], *, graph: bool) -> tuple[ScopeReport, int]:
    """Run `script` as `python script args…` would, under `record()`; (report, exit status)."""
    from jupyter_scope import record

    argv, path0 = sys.argv, sys.path[0]
    sys.argv = [script, *args]
    sys.path[0] = str(Path(script).resolve().parent)
    recording = record()
    try:
        with spinner(f"running {script}"), fresh_graph(graph), recording:
            status = run_main(script)
    except KeyboardInterrupt:
        status = 130
    except Exception as exc:
        if recording.report is None:
            raise  # record() itself failed: not the script's error
        print_script_traceback(exc, script)
        status = 1
    finally:
        sys.argv, sys.path[0] = argv, path0
    if recording.report is None:
        raise UserError("the recording did not finish")
    return recording.report, status


def cmd_run(args: argparse.Namespace) -> int:
    script = Path(args.script)
    if not script.is_file():
        raise UserError(f"{args.script}: no such file")
    out = Path(args.output or f"{script.stem}.scopes.json")
    prepare(out, args.format, force=args.force, ops=args.ops)  # fail before the script runs
    report, status = run_script(args.script, args.script_args, graph=args.graph)
    print(report_text(report))
    export(report, out, args.format, force=args.force, ops=args.ops)
    print(f"{PROG}: report written to {out}", file=sys.stderr)
    return status


# -- show, diff, convert -----------------------------------------------------------------


def report_text(report: ScopeReport, pattern: re.Pattern[str] | None = None) -> str:
    from jupyter_scope.present.text_tree import render

    return render(report, pattern, limit=None)


def cmd_show(args: argparse.Namespace) -> int:
    try:
        pattern = re.compile(args.filter) if args.filter else None
    except re.error as exc:
        raise UserError(f"--filter {args.filter!r} is not a regular expression: {exc}") from None
    from jupyter_scope.present.text_tree import lines

    found = lines(load(args.report), pattern)
    # Many lines a write: with PYTHONUNBUFFERED set, each write is a system call (1.9 s
    # of CPU for the 2.1 million lines of a report of 10^6 variables).
    while written := list(itertools.islice(found, WRITTEN_LINES)):
        sys.stdout.write("\n".join(written) + "\n")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    diff = load(args.a).diff(load(args.b))
    print(visible(str(diff), keep="\n"))
    return 0 if diff.same else 1


def cmd_match(args: argparse.Namespace) -> int:
    from jupyter_scope.present.match_view import render_text

    match = load(args.report).match(load(args.checkpoint))
    print(render_text(match))
    if args.output:
        match.export(args.output, force=args.force)
    return 0 if match.all_matched else 1


def cmd_convert(args: argparse.Namespace) -> int:
    report = load(args.report)
    export(report, args.output, args.format, force=args.force, ops=args.ops)
    print(f"{PROG}: wrote {args.output}", file=sys.stderr)
    return 0


# -- the parser --------------------------------------------------------------------------


def add_output_options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument(
        "-o",
        "--output",
        required=required,
        metavar="OUT",
        help="the report file to write; its suffix gives the format"
        + ("" if required else " (default: SCRIPT's name + .scopes.json)"),
    )
    parser.add_argument("--format", choices=list(FORMATS), help="the format, whatever the suffix")
    parser.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    with_ops = ", ".join(f.name for f in FORMATS.values() if f.ops)
    parser.add_argument("--ops", action="store_true", help=f"{with_ops}: one row / node per op too")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog=PROG,
        description="Record, show, compare and convert TensorFlow scope reports.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="run a Python script under record(), print its scope tree, write the report",
        description="Run SCRIPT as `python SCRIPT ARGS...` would (same sys.argv, __main__,\n"
        "exit status) while recording; then print its scope tree and write the report.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_output_options(run, required=False)
    run.add_argument("--graph", action="store_true", help="run inside a fresh tf.Graph()")
    run.add_argument("script", metavar="SCRIPT", help="the Python script to run")
    run.add_argument("script_args", nargs=argparse.REMAINDER, metavar="ARGS", help="its arguments")
    run.set_defaults(handler=cmd_run)

    show = commands.add_parser(
        "show",
        help="print the scope tree of a JSON report, a checkpoint, a SavedModel, a GraphDef "
        "or an event file",
    )
    show.add_argument("report", metavar="PATH")
    show.add_argument("--filter", metavar="REGEX", help="only names that match, with ancestors")
    show.set_defaults(handler=cmd_show)

    diff = commands.add_parser(
        "diff", help="compare two JSON reports; exit status 0 if the same, 1 if they differ"
    )
    diff.add_argument("a", metavar="A.json")
    diff.add_argument("b", metavar="B.json")
    diff.set_defaults(handler=cmd_diff)

    match = commands.add_parser(
        "match",
        help="match a report's variables against a checkpoint's; exit status 0 if all "
        "match, 1 if not",
    )
    match.add_argument("report", metavar="REPORT", help="a JSON report, or anything show reads")
    match.add_argument(
        "checkpoint", metavar="CHECKPOINT", help="a checkpoint, or anything show reads"
    )
    match.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="also write the match: .json as data, .html/.md/.csv/.dot/.graphml as its tree",
    )
    match.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    match.set_defaults(handler=cmd_match)

    convert = commands.add_parser("convert", help="write a JSON report in another format")
    convert.add_argument("report", metavar="REPORT.json")
    add_output_options(convert, required=True)
    convert.set_defaults(handler=cmd_convert)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "run":
            code: int = args.handler(args)
            return code
        import_jsonschema()
        with collector.paused():  # every container a report is read or shown with is kept
            code = args.handler(args)
        return code
    except (UserError, ExportError, TensorFlowNotAvailable, UnsupportedTensorFlow) as exc:
        print(f"{PROG}: error: {visible(str(exc))}", file=sys.stderr)  # one line, inert
        return USER_ERROR


if __name__ == "__main__":
    sys.exit(main())
