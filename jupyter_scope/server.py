"""The Jupyter server extension: Python's own writers for the browser, no kernel needed.

The Scopes panel asks for the export formats (Python's registry, `report/formats`: the
front end keeps no list of its own), posts a report document and gets back the file
`report.export()` would write (so a file exported from the sidebar and one exported in
Python are the same bytes), and a document saved before schema 1.2 gets the display
section the tree reads.
"""

from __future__ import annotations

import json
import re
from typing import Any

from jupyter_scope.report import io
from jupyter_scope.report.document import ReportFormatError
from jupyter_scope.report.formats import FORMATS
from jupyter_scope.report.model import ScopeReport


def file_name(report: ScopeReport, format: str) -> str:
    """`scopes-<name or In-N>.<suffix>`, safe as a file name."""
    cell = (report.meta.get("cell") or {}).get("execution_count")
    stem = report.meta.get("name") or (f"In-{cell}" if cell else "report")
    safe = re.sub(r"[^\w.-]+", "_", str(stem))
    return f"scopes-{safe}{FORMATS[format].suffix}"


def exported(body: bytes, format: str) -> dict[str, str]:
    """The file of `format` for the posted document: name, MIME type and text."""
    report = ScopeReport.from_json(body)
    return {
        "name": file_name(report, format),
        "mime": FORMATS[format].mime,
        "text": io.render(report, format),
    }


def formats() -> list[dict[str, Any]]:
    """The export formats, in the registry's order, as the front end lists them."""
    return [f.to_dict() for f in FORMATS.values()]


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

    class FormatsHandler(APIHandler):
        @tornado.web.authenticated
        def get(self) -> None:
            self.finish(json.dumps(formats()))

    class ExportHandler(APIHandler):
        @tornado.web.authenticated
        def post(self, format: str) -> None:
            if format not in FORMATS:
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
            (url_path_join(base, "formats"), FormatsHandler),
            (url_path_join(base, r"export/(\w+)"), ExportHandler),
        ],
    )
