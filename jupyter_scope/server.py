"""The Jupyter server extension: Python's own writers for the browser, no kernel needed.

The Scopes panel posts a report document and gets back the file `report.export()` would
write (so a file exported from the sidebar and one exported in Python are the same
bytes), and a document saved before schema 1.2 gets the display section the tree reads.
"""

from __future__ import annotations

import json
import re
from typing import Any

from jupyter_scope.report import io
from jupyter_scope.report.document import ReportFormatError
from jupyter_scope.report.model import ScopeReport

MIME_TYPES = {
    "json": "application/json",
    "html": "text/html",
    "graphml": "application/graphml+xml",
    "dot": "text/vnd.graphviz",
    "md": "text/markdown",
    "csv": "text/csv",
}


def file_name(report: ScopeReport, format: str) -> str:
    """`scopes-<name or In-N>.<format>`, safe as a file name."""
    cell = (report.meta.get("cell") or {}).get("execution_count")
    stem = report.meta.get("name") or (f"In-{cell}" if cell else "report")
    safe = re.sub(r"[^\w.-]+", "_", str(stem))
    return f"scopes-{safe}.{format}"


def exported(body: bytes, format: str) -> dict[str, str]:
    """The file of `format` for the posted document: name, MIME type and text."""
    report = ScopeReport.from_json(body)
    return {
        "name": file_name(report, format),
        "mime": MIME_TYPES[format],
        "text": io.render(report, format),
    }


def upgraded(body: bytes) -> str:
    """The posted document as this version writes it (display section included)."""
    return ScopeReport.from_json(body).to_json()


def _load_jupyter_server_extension(serverapp: Any) -> None:
    import tornado.web
    from jupyter_server.base.handlers import APIHandler
    from jupyter_server.utils import url_path_join

    class DocumentHandler(APIHandler):
        @tornado.web.authenticated
        def post(self) -> None:
            try:
                self.finish(upgraded(self.request.body))
            except ReportFormatError as exc:
                raise tornado.web.HTTPError(400, str(exc)) from None

    class ExportHandler(APIHandler):
        @tornado.web.authenticated
        def post(self, format: str) -> None:
            if format not in io.FORMATS:
                raise tornado.web.HTTPError(404, f"unknown format {format!r}")
            try:
                self.finish(json.dumps(exported(self.request.body, format)))
            except (ReportFormatError, io.ExportError) as exc:
                raise tornado.web.HTTPError(400, str(exc)) from None

    base = url_path_join(serverapp.web_app.settings["base_url"], "jupyter-scope")
    serverapp.web_app.add_handlers(
        ".*$",
        [
            (url_path_join(base, "document"), DocumentHandler),
            (url_path_join(base, r"export/(\w+)"), ExportHandler),
        ],
    )
