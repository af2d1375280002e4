"""`html`: one standalone page that works offline: the front end's tree (the same one the
widget shows), its CSS and the report document, all inlined into `templates/report.html`.

The template has four placeholders, `{{title}}`, `{{css}}`, `{{script}}` and `{{data}}`,
filled in one pass (so nothing inserted is ever read as a placeholder). What goes in is
escaped for where it lands: the title as HTML text, and the JSON so that no `<`, `>`,
`&`, U+2028 or U+2029 appears in it raw (no `</script>` or `<!--` can end or bend the
script element it sits in).
"""

from __future__ import annotations

import html
import json
import re
from importlib import resources

from jupyter_scope.export.write import ExportError
from jupyter_scope.model.report import ScopeReport

ASSETS = ("standalone.js", "tree.css")
PLACEHOLDER = re.compile(r"\{\{(title|css|script|data)\}\}")
JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
BUILD_HINT = (
    "the HTML export needs the built front end, and jupyter_scope/static/{name} is missing: "
    "build it with `npm ci && npm run build:prod` in the source tree, or `pip install -e .`"
)


def static_text(name: str) -> str:
    path = resources.files("jupyter_scope") / "static" / name
    if not path.is_file():
        raise ExportError(BUILD_HINT.format(name=name))
    return path.read_text(encoding="utf-8")


def check() -> None:
    """Fail before any work if the front end is not built."""
    for name in ASSETS:
        static_text(name)


def script_safe_json(data: object) -> str:
    """JSON that can sit inside `<script type="application/json">` whatever its strings hold."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return re.sub("[<>&\u2028\u2029]", lambda m: JSON_ESCAPES[m[0]], text)


def fill(template: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: values[m[1]], template)


def render(report: ScopeReport) -> str:
    template = resources.files("jupyter_scope.export") / "templates" / "report.html"
    return fill(
        template.read_text(encoding="utf-8"),
        {
            "title": html.escape(f"Scope report: {report.display['summary']['line']}"),
            # `</` cannot occur in CSS outside strings and comments, where `<\/` means the same.
            "css": static_text("tree.css").replace("</", "<\\/"),
            # Only `</script` can end the element; in a JS string or regex `<\/` is the same.
            "script": re.sub("</(script)", r"<\\/\1", static_text("standalone.js"), flags=re.I),
            "data": script_safe_json(report.to_dict()),
        },
    )
