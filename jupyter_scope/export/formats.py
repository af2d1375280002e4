"""The registry of export formats: the one list that `report.export()` (`export/write.py`),
the CLI, `%%scopes --export`, the server extension and, through the server, the lab
extension's panel buttons and palette entries all read.

Each format's writer is a module of the `export` package with `render(report) -> str` (with
`ops=` when `Format.ops`) and, if it needs something besides the report, a `check()`
raising `ExportError`. Writers are imported when first used: naming the formats (a CLI's
`--help`, the server's list) loads none of them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jupyter_scope.model.report import ScopeReport


@dataclass(frozen=True)
class Format:
    """One export format."""

    #: What `format=`, `--format` and the server's URL say.
    name: str
    #: What a menu or a button shows.
    label: str
    #: The suffixes that imply it, lower case; the first is the one a new file gets.
    suffixes: tuple[str, ...]
    #: The MIME type of its files.
    mime: str
    #: Its writer: the module of the `export` package holding `render`.
    module: str
    #: Whether `render` takes `ops=` (one entry per op too).
    ops: bool = False

    @property
    def suffix(self) -> str:
        return self.suffixes[0]

    def writer(self) -> ModuleType:
        return importlib.import_module(f"{__package__}.{self.module}")

    def render(self, report: ScopeReport, *, ops: bool = False) -> str:
        module = self.writer()
        text: str = module.render(report, ops=ops) if self.ops else module.render(report)
        return text

    def check(self) -> None:
        """The writer's own precondition (the HTML page needs the built front end)."""
        check = getattr(self.writer(), "check", None)
        if check is not None:
            check()

    def to_dict(self) -> dict[str, Any]:
        """What the front end reads (`GET /jupyter-scope/formats`)."""
        return {
            "name": self.name,
            "label": self.label,
            "suffix": self.suffix,
            "mime": self.mime,
            "ops": self.ops,
        }


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("json", "JSON", (".json",), "application/json", "json_doc"),
        Format("graphml", "GraphML", (".graphml",), "application/graphml+xml", "graphml"),
        Format("dot", "DOT", (".dot", ".gv"), "text/vnd.graphviz", "dot", ops=True),
        Format("html", "HTML", (".html", ".htm"), "text/html", "html_page"),
        Format("md", "Markdown", (".md", ".markdown"), "text/markdown", "markdown"),
        Format("csv", "CSV", (".csv",), "text/csv", "csv_table", ops=True),
    )
}

#: Suffix → format name.
SUFFIXES: dict[str, str] = {s: f.name for f in FORMATS.values() for s in f.suffixes}
