"""`%%scopes`, `%scopes_export` and `%scopes_diff`: thin shims over `notebook.cell`."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments
from IPython.utils.process import arg_split

from jupyter_scope.export.formats import FORMATS
from jupyter_scope.export.write import ExportError
from jupyter_scope.notebook import cell

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell


def parse_argstring(magic: Any, line: str) -> argparse.Namespace:
    """Like IPython's `parse_argstring`, but quotes are removed as in a shell:
    `--filter '^conv'` gives `^conv` (except on Windows, whose paths hold backslashes)."""
    try:
        argv = arg_split(line, posix=not sys.platform.startswith("win"))
    except ValueError as exc:
        raise UsageError(f"cannot parse {line!r}: {exc}") from None
    args: argparse.Namespace = magic.parser.parse_args(argv)
    return args


MAGIC_LINE = re.compile(r"%%scopes(\s|$)")


class SyntaxCheck:
    """An input transformer: a `%%scopes` cell whose body does not compile fails before
    it runs, shown as IPython shows a plain cell's syntax error. Raised while the magic
    runs, IPython would list every frame of the magic (it shows all frames of a
    SyntaxError raised at run time, `__tracebackhide__` or not)."""

    has_side_effects = True  # it caches the body's source: skipped by check_complete

    def __init__(self, shell: Any) -> None:
        self.shell = shell

    def __call__(self, lines: list[str]) -> list[str]:
        if lines and MAGIC_LINE.match(lines[0]):
            # Before the run, IPython's count is already the number of the cell to run.
            cell.check_syntax(self.shell, "".join(lines[1:]), self.shell.execution_count)
        return lines


def install_syntax_check(shell: Any) -> None:
    """Run `SyntaxCheck` after IPython's cleanup transforms (prompts stripped), once."""
    transforms = shell.input_transformers_cleanup
    if not any(isinstance(t, SyntaxCheck) and t.shell is shell for t in transforms):
        transforms.append(SyntaxCheck(shell))


@magics_class
class ScopeMagics(Magics):
    """The jupyter-scope magics; load them with `%load_ext jupyter_scope`."""

    shell: InteractiveShell  # set by IPython when it loads the magics

    @magic_arguments()
    @argument("name", nargs="?", help="store the report in this user variable")
    @argument("--graph", action="store_true", help="run the cell in a fresh tf.Graph() (TF1)")
    @argument("--no-ops", dest="ops", action="store_false", help="do not record ops")
    @argument(
        "--no-placement",
        dest="placement",
        action="store_false",
        help="do not record requested and assigned devices",
    )
    @argument(
        "--profile",
        action="store_true",
        help="measure each op's run time and memory (TF's traces) and sum them per scope",
    )
    @argument("--quiet", action="store_true", help="record and store, display nothing")
    @argument("--export", metavar="PATH", help="also write the report to PATH (format by suffix)")
    @argument("--filter", metavar="REGEX", help="show only the scopes whose names match REGEX")
    @argument(
        "--checkpoint",
        metavar="PATH",
        help="also show the report matched against this checkpoint (or SavedModel, GraphDef)",
    )
    @cell_magic
    def scopes(self, line: str, cell_body: str) -> Any:
        """Run the cell as usual and show which TF variables, scopes and ops it made.

        The cell runs in the user namespace; its last expression is shown as usual and
        its exceptions propagate unchanged (after the partial report is shown). Every
        report is kept in `jupyter_scope.reports`.

        Examples::

            %%scopes --graph
            with tf.compat.v1.variable_scope("image_filters") as scope:
                result1 = my_image_filter(image1)
                scope.reuse_variables()
                result2 = my_image_filter(image2)

            %%scopes model_report --filter '^dense'
            model = keras.Sequential([keras.layers.Dense(4), keras.layers.Dense(1)])
            model.build((None, 8))

            %%scopes --quiet --export scopes.json
            build_model()

            %%scopes --profile
            model.fit(x, y, epochs=1)

            %%scopes --graph --checkpoint ckpt/model.ckpt
            vgg.vgg_a(images, num_classes=5)
        """
        __tracebackhide__ = True
        args = parse_argstring(self.scopes, line)
        return cell.run(self.shell, cell_body, cell.CellOptions(**vars(args)))

    @magic_arguments()
    @argument("name", nargs="?", help="a report variable or history index (default: newest)")
    @argument("path", help="the file to write")
    @argument("--format", help=f"{', '.join(FORMATS)} (default: from the suffix)")
    @argument("--force", action="store_true", help="overwrite an existing file")
    @line_magic
    def scopes_export(self, line: str) -> Path:
        """Write a report to a file.

        Examples::

            %scopes_export scopes.html
            %scopes_export towers towers.graphml
            %scopes_export -2 previous.json --force
        """
        args = parse_argstring(self.scopes_export, line)
        report = cell.resolve_report(self.shell.user_ns, args.name)
        try:
            return report.export(args.path, format=args.format, force=args.force)
        except ExportError as exc:
            raise UsageError(f"%scopes_export: {exc}") from None

    @magic_arguments()
    @argument("a", help="the old report: a report variable or a history index")
    @argument("b", help="the new report: a report variable or a history index")
    @line_magic
    def scopes_diff(self, line: str) -> Any:
        """Show what was shared, added, removed or changed between two reports.

        Examples::

            %scopes_diff train_report eval_report
            %scopes_diff -2 -1
        """
        args = parse_argstring(self.scopes_diff, line)
        user_ns = self.shell.user_ns
        a, b = (cell.resolve_report(user_ns, ref) for ref in (args.a, args.b))
        return a.diff(b, (cell.report_label(args.a), cell.report_label(args.b)))
